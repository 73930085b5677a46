package regex

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

// The two expansions each case is judged by, in Exim and here.
const (
	matchExpr = "${if match{%s}{%s}{Y<$0><$1><$2><$3>}{N}}"
	sgExpr    = "${sg{%s}{%s}{[\\$0]}}"
)

// TestRecordGolden re-records testdata/match.golden from the real Exim
// 4.96 (in a network namespace with only loopback). It runs only with
// EXIGO_RECORD_EXIM=1; the golden file is committed.
func TestRecordGolden(t *testing.T) {
	if os.Getenv("EXIGO_RECORD_EXIM") != "1" {
		t.Skip("set EXIGO_RECORD_EXIM=1 to record from the real exim")
	}
	conf := writeRecordConf(t)
	var b strings.Builder
	for _, c := range readMatchIn(t) {
		s, p := eximEscape(c.subject), eximEscape(c.pattern)
		m := runExim(t, conf, fmt.Sprintf(matchExpr, s, p))
		sg := runExim(t, conf, fmt.Sprintf(sgExpr, s, p))
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", strconv.Quote(c.pattern), strconv.Quote(c.subject),
			strconv.Quote(m), strconv.Quote(sg))
	}
	if err := os.WriteFile("testdata/match.golden", []byte(b.String()), 0o644); err != nil {
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

type matchCase struct{ pattern, subject string }

func readMatchIn(t *testing.T) []matchCase {
	f, err := os.Open("testdata/match.in")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []matchCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		p, s, _ := strings.Cut(sc.Text(), "\t")
		pattern, err1 := strconv.Unquote(p)
		subject, err2 := strconv.Unquote(s)
		if err1 != nil || err2 != nil {
			t.Fatalf("match.in: bad line %q", sc.Text())
		}
		cases = append(cases, matchCase{pattern, subject})
	}
	return cases
}
