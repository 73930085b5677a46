package funcs

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRecordGolden re-records testdata/ops.golden from the real Exim 4.96
// (run inside a network namespace that only has loopback). It runs only
// with EXIGO_RECORD_EXIM=1; the golden file is committed.
func TestRecordGolden(t *testing.T) {
	if os.Getenv("EXIGO_RECORD_EXIM") != "1" {
		t.Skip("set EXIGO_RECORD_EXIM=1 to record from the real exim")
	}
	conf := writeRecordConf(t)
	cases := readOpsIn(t)
	var b strings.Builder
	for _, c := range cases {
		out := runExim(t, conf, "${"+c.op+":"+eximEscape(c.in)+"}")
		status := "ok"
		if msg, failed := strings.CutPrefix(out, "Failed: "); failed {
			status, out = "err", msg
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", c.op, strconv.Quote(c.in), status, strconv.Quote(out))
	}
	if err := os.WriteFile("testdata/ops.golden", []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeRecordConf(t *testing.T) string {
	dir := t.TempDir()
	conf := filepath.Join(dir, "exim.conf")
	text := "primary_hostname = myhost.test.ex\n" +
		"spool_directory = " + dir + "/spool\n" +
		"log_file_path = " + dir + "/%slog\n" +
		"exim_user = root\nexim_group = root\n"
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return conf
}

func runExim(t *testing.T, conf, expr string) string {
	cmd := exec.Command("unshare", "-n", "sh", "-c",
		`ip link set lo up; exec exim -C "$1" -be "$2"`, "_", conf, expr)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("exim on %q: %v", expr, err)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// eximEscape writes s so that Exim's expander gives back exactly s.
func eximEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '$' || c == '{' || c == '}':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

type opCase struct{ op, in string }

func readOpsIn(t *testing.T) []opCase {
	f, err := os.Open("testdata/ops.in")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []opCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		op, quoted, _ := strings.Cut(sc.Text(), "\t")
		in, err := strconv.Unquote(quoted)
		if err != nil {
			t.Fatalf("ops.in: %q: %v", sc.Text(), err)
		}
		cases = append(cases, opCase{op, in})
	}
	return cases
}
