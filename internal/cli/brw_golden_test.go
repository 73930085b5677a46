package cli

// Golden rewrite tests: every directory under testdata/brw/ holds a
// configuration and addresses given to -brw one at a time, with what
// Exim 4.96 printed (scripts/record-brw-goldens).

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var brwTimeStamp = regexp.MustCompile(`(?m)^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} `)

func TestGoldenBRW(t *testing.T) {
	t.Setenv("EXIGO_NO_SYSTEM_RESOLVER", "1")
	dataDir, err := filepath.Abs("../../testdata/brw")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, e := range entries {
		dir := filepath.Join(dataDir, e.Name())
		t.Run(e.Name(), func(t *testing.T) { total += checkBRWCase(t, dir) })
	}
	t.Logf("-brw addresses compared with Exim's answers: %d", total)
}

func checkBRWCase(t *testing.T, dir string) int {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tmp := t.TempDir()
	copyCaseFiles(t, dir, tmp)
	confPath := filepath.Join(tmp, "conf")
	if err := os.WriteFile(confPath, []byte(strings.ReplaceAll(read("conf"), "TESTDIR", tmp)), 0o644); err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	addrs := strings.Split(strings.TrimRight(read("addresses"), "\n"), "\n")
	for _, a := range addrs {
		r := runExigo([]string{"exigo", "-C", confPath, "-brw", a}, "", time.Minute)
		if r.panicked != nil || r.timedOut {
			t.Fatalf("-brw %s: panic %v, timed out %v", a, r.panicked, r.timedOut)
		}
		got.WriteString("== " + a + "\n" + r.stdout + "-- stderr\n")
		got.WriteString(brwTimeStamp.ReplaceAllString(strings.ReplaceAll(r.stderr, tmp, "TESTDIR"), "TIME "))
	}
	if want := read("expected"); got.String() != want {
		t.Errorf("differs from Exim's (- Exim, + exigo):\n%s", lineDiff(want, got.String()))
	}
	return len(addrs)
}
