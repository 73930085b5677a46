package expand

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDebugTraceMatchesExim compares the trace with what Exim 4.96 wrote
// with -d-all+expand+noutf8 for testdata/debug_cases.txt (recorded by
// testdata/debug_record.sh).
func TestDebugTraceMatchesExim(t *testing.T) {
	cases, err := os.ReadFile("testdata/debug_cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/debug_trace.txt")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.Abs("../../testdata/expand")
	if err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	c := &Context{Debug: &w, DebugASCII: true, Vars: &mapVars{m: map[string]string{"primary_hostname": "myhost.test.ex"}}}
	for _, line := range strings.Split(strings.TrimRight(string(cases), "\n"), "\n") {
		_, _ = c.Expand(strings.ReplaceAll(line, "DIR/", dir+"/"))
	}
	got := strings.ReplaceAll(w.String(), dir+"/", "DIR/")
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if gl[i] != wl[i] {
			t.Fatalf("trace differs at line %d:\n want %q\n  got %q", i+1, wl[i], gl[i])
		}
	}
	t.Fatalf("trace lengths differ: want %d lines, got %d", len(wl), len(gl))
}

// TestDebugTraceUTF8 checks Exim's default drawing (recorded without
// noutf8 into testdata/debug_trace_utf8.txt).
func TestDebugTraceUTF8(t *testing.T) {
	want, err := os.ReadFile("testdata/debug_trace_utf8.txt")
	if err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	c := &Context{Debug: &w}
	for _, s := range []string{"${if eq{a}{b}{y}{${lc:X}}}x", "x${if eq{a}{b}{y}fail}", `a\tb \N$x\N`} {
		_, _ = c.Expand(s)
	}
	if w.String() != string(want) {
		t.Fatalf("got\n%s\nwant\n%s", w.String(), want)
	}
}
