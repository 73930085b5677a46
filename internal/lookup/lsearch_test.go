package lookup

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// lsearchCorners exercises the lsearch file format's corner cases.
const lsearchCorners = `# comment
a: one
  two
# a comment ends the continuation
  three
b five
B shadowed by the first b
"q k": quoted key
"e\tk\x41\101" escapes
c:
  cont only
d ::fail:
e   :   spaced colon   
f:x
  
  after blank
  indented: not a key
ws	tab separated
"unterminated
*: star data
*.dom.ex: wild domain
x.dom.ex: exact domain
*@dom.ex: per domain
last no newline   `

func writeFile(t testing.TB, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLsearchFormat(t *testing.T) {
	Tidy()
	file := writeFile(t, "corners", lsearchCorners)
	spec, err := ParseSpec("lsearch")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ key, want string }{
		{"a", "one two"},
		{"A", "one two"},
		{"b", "five"},
		{"q k", "quoted key"},
		{"e\tkAA", "escapes"},
		{"c", " cont only"},
		{"d", ":fail:"},
		{"e", "spaced colon"},
		{"f", "x"},
		{"ws", "tab separated"},
		{"unterminated", ""},
		{"last", "no newline   "},
		{"indented", "NOTFOUND"},
		{"three", "NOTFOUND"},
		{"#", "NOTFOUND"},
		{"", "NOTFOUND"},
	} {
		res, err := spec.Find(file, tc.key)
		got := "NOTFOUND"
		if err != nil {
			got = "error: " + err.Error()
		} else if res.Found {
			got = res.Value
		}
		if got != tc.want {
			t.Errorf("lsearch %q = %q, want %q", tc.key, got, tc.want)
		}
	}
}

func TestLsearchAgainstExim(t *testing.T) {
	Tidy()
	file := writeFile(t, "corners", lsearchCorners)
	keys := []string{"a", "A", "b", "q k", "c", "d", "e", "f", "ws", "unterminated",
		"last", "indented", "three", "x.dom.ex", "y.x.dom.ex", "a.b.dom.ex", "u@dom.ex",
		"u@other.ex", "nope", "*"}
	types := []string{"lsearch", "lsearch*", "lsearch*@", "partial-lsearch", "partial0-lsearch",
		"partial1(.)lsearch", "lsearch,ret=key", "lsearch*,ret=key", "lsearch,ret=full",
		"nwildlsearch", "partial-lsearch*@,ret=key"}
	compareWithExim(t, file, types, keys)
}

func TestLsearchOpenErrors(t *testing.T) {
	Tidy()
	spec, _ := ParseSpec("lsearch")
	dir := t.TempDir()
	for _, tc := range []struct{ file, want string }{
		{dir + "/nope", "failed to open " + dir + "/nope for linear search: No such file or directory"},
		{dir, dir + " is not a regular file (lsearch lookup)"},
	} {
		_, err := spec.Find(tc.file, "k")
		if err == nil || err.Error() != tc.want || IsDefer(err) {
			t.Errorf("Find(%s) error %v, want %q (not a DEFER)", tc.file, err, tc.want)
		}
	}
}

func mustRun(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}
