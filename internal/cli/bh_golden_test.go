package cli

// Golden -bh dialogues: every directory under testdata/bh/ holds a
// configuration, a client's input and the command line, and what Exim
// 4.96 answered (stdout, and the "LOG: " lines of its standard error),
// recorded by scripts/record-bh-goldens. exigo must answer the same.

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// bhKnownFailing lists dialogues exigo does not match yet, with why.
var bhKnownFailing = map[string]string{}

// bhDialogue is one directory of testdata/bh.
type bhDialogue struct {
	name, dir string
}

func TestGoldenBH(t *testing.T) {
	dataDir, err := filepath.Abs("../../testdata/bh")
	if err != nil {
		t.Fatal(err)
	}
	useGoldenDNS(t, dataDir)
	dialogues, err := readBHDialogues(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, d := range dialogues {
		if !t.Run(d.name, func(t *testing.T) {
			if why, known := bhKnownFailing[d.name]; known && os.Getenv("EXIGO_BH_ALL") == "" {
				t.Skipf("known to differ from Exim: %s", why)
			}
			checkBHDialogue(t, d)
		}) {
			failed++
		}
	}
	t.Logf("-bh dialogues: %d, known to differ %d, failed %d (EXIGO_BH_ALL=1 runs the known ones too)",
		len(dialogues), len(bhKnownFailing), failed)
}

func readBHDialogues(dataDir string) ([]bhDialogue, error) {
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		return nil, err
	}
	var out []bhDialogue
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, bhDialogue{name: e.Name(), dir: filepath.Join(dataDir, e.Name())})
		}
	}
	return out, nil
}

func checkBHDialogue(t *testing.T, d bhDialogue) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(d.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tmp := t.TempDir()
	for _, sub := range []string{"spool", "log"} {
		if err := os.Mkdir(filepath.Join(tmp, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	confPath := filepath.Join(tmp, "conf")
	conf := strings.ReplaceAll(read("conf"), "TESTDIR", tmp)
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	input := strings.ReplaceAll(read("input"), "\n", "\r\n")
	args := append([]string{"exigo", "-C", confPath}, strings.Fields(read("args"))...)
	r := runExigo(args, input, time.Minute)
	if r.panicked != nil || r.timedOut {
		t.Fatalf("exigo %s: panic %v, timed out %v\nstdout:\n%s", strings.Join(args, " "), r.panicked, r.timedOut, r.stdout)
	}
	gotOut := normalizeBH(r.stdout, tmp)
	gotLog := normalizeBH(bhLogLines(r.stderr), tmp)
	if want := read("stdout"); gotOut != want {
		t.Errorf("stdout differs from Exim's (- Exim, + exigo):\n%s", lineDiff(want, gotOut))
	}
	if want := read("log"); gotLog != want {
		t.Errorf("LOG lines differ from Exim's (- Exim, + exigo):\n%s", lineDiff(want, gotLog))
	}
	if t.Failed() {
		t.Logf("exigo's other standard error lines:\n%s", bhOtherErrLines(r.stderr))
	}
}

// bhOtherErrLines is standard error without the LOG and debug lines: the
// place where a failure to start shows.
func bhOtherErrLines(stderr string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(stderr, "\n") {
		if !strings.HasPrefix(line, "LOG: ") && !strings.HasPrefix(line, ">>>") {
			b.WriteString(line)
		}
	}
	return b.String()
}

var (
	bhMessageID = regexp.MustCompile(`[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}\b`)
	bhDate      = regexp.MustCompile(`\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [ 0-9][0-9]? (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} [-+][0-9]{4}`)
)

// normalizeBH does what scripts/record-bh-goldens does to Exim's output.
func normalizeBH(s, dir string) string {
	s = strings.ReplaceAll(s, dir, "TESTDIR")
	s = bhMessageID.ReplaceAllString(s, "MSGID")
	return bhDate.ReplaceAllString(s, "DATE")
}

// bhLogLines keeps the "LOG: " lines of standard error and the lines that
// continue them, dropping the ">>>" debug lines.
func bhLogLines(stderr string) string {
	var b strings.Builder
	inLog := false
	for _, line := range strings.SplitAfter(stderr, "\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "LOG: "):
			inLog = true
			b.WriteString(line)
		case strings.HasPrefix(line, ">>>"):
			inLog = false
		case inLog:
			b.WriteString(line)
		}
	}
	return b.String()
}

// lineDiff shows want and got line by line, marking the lines only in
// one of them (a longest-common-subsequence diff; outputs are short).
func lineDiff(want, got string) string {
	a, b := strings.SplitAfter(want, "\n"), strings.SplitAfter(got, "\n")
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	line := func(mark string, s string) {
		if s == "" {
			return
		}
		out.WriteString(mark + strings.TrimSuffix(s, "\n") + "\n")
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			line("  ", a[i])
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			line("+ ", b[j])
			j++
		default:
			line("- ", a[i])
			i++
		}
	}
	return out.String()
}
