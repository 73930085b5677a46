package lists

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The golden file keeps Exim's answers for oracleCases, so the cases
// are checked on machines without Exim too. Refresh it with
//
//	go test ./internal/lists -run TestAgainstExim -update-golden
var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/exim.golden from the real Exim")

const goldenFile = "testdata/exim.golden"

// goldenEntry is one case: the -be expression with "{D}" for the
// fixture directory, and Exim's output line.
type goldenEntry struct {
	Expr string `json:"expr"`
	Exim string `json:"exim"`
}

func writeGolden(t *testing.T, dir string, theirs []string) {
	t.Helper()
	var entries []goldenEntry
	for i, c := range oracleCases {
		entries = append(entries, goldenEntry{Expr: c.beExpr("{D}"), Exim: replaceDir(theirs[i], dir)})
	}
	data, err := json.MarshalIndent(entries, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(goldenFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goldenFile, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func replaceDir(s, dir string) string { return strings.ReplaceAll(s, dir, "{D}") }

func TestGolden(t *testing.T) {
	data, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	var entries []goldenEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, e := range entries {
		want[e.Expr] = e.Exim
	}
	dir := writeFixtures(t)
	checked := 0
	for _, c := range oracleCases {
		w, ok := want[c.beExpr("{D}")]
		if !ok {
			continue
		}
		checked++
		if ours := replaceDir(c.ours(dir), dir); ours != w {
			t.Errorf("%s\n  exim:  %q\n  exigo: %q", c.beExpr("{D}"), w, ours)
		}
	}
	if checked < len(oracleCases)*9/10 {
		t.Errorf("only %d of %d cases have golden answers: refresh %s", checked, len(oracleCases), goldenFile)
	}
}
