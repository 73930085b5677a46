package lookup

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// test2800Dump is the database of Exim's test 2800 (scripts/2800-lmdb).
const test2800Dump = `VERSION=3
format=print
type=btree
mapsize=10485760
maxreaders=126
HEADER=END
 first
 data for first
 second
 A=1 B=2
 third
 A1:B2:C3
DATA=END
`

// makeLmdb builds an LMDB file with mdb_load, as Exim's test suite does.
func makeLmdb(tb testing.TB, dump string) string {
	tb.Helper()
	if _, err := exec.LookPath("mdb_load"); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("mdb_load (package lmdb-utils) is required under CI")
		}
		tb.Skip("mdb_load not installed (apt-get install lmdb-utils)")
	}
	dir := tb.TempDir()
	dumpFile := filepath.Join(dir, "dump")
	if err := os.WriteFile(dumpFile, []byte(dump), 0o644); err != nil {
		tb.Fatal(err)
	}
	db := filepath.Join(dir, "test.mdb")
	if out, err := exec.Command("mdb_load", "-n", "-f", dumpFile, db).CombinedOutput(); err != nil {
		tb.Fatalf("mdb_load: %v\n%s", err, out)
	}
	return db
}

// TestLmdb2800 checks the lookups of Exim's test 2800 (stdout/2800); the
// ${extract} parts of that test belong to the expansion tests.
func TestLmdb2800(t *testing.T) {
	Tidy()
	db := makeLmdb(t, test2800Dump)
	spec, err := ParseSpec("lmdb")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key, want string
		found     bool
	}{
		{"first", "data for first", true},
		{"fail", "", false},
		{"second", "A=1 B=2", true},
		{"third", "A1:B2:C3", true},
		{"First", "", false}, // LMDB keys are case-sensitive
	} {
		res, err := spec.Find(db, tc.key)
		if err != nil || res.Found != tc.found || res.Value != tc.want {
			t.Errorf("lmdb %q = %+v, %v; want %q found=%v", tc.key, res, err, tc.want, tc.found)
		}
	}
}

func TestLmdbOpenError(t *testing.T) {
	Tidy()
	spec, _ := ParseSpec("lmdb")
	_, err := spec.Find("/nonexistent/x.mdb", "k")
	want := "LMDB: Unable to open environment with /nonexistent/x.mdb: No such file or directory"
	if err == nil || err.Error() != want || IsDefer(err) {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestLmdbSurvivesTidyAndSeesReplacement(t *testing.T) {
	Tidy()
	db := makeLmdb(t, test2800Dump)
	spec, _ := ParseSpec("lmdb")
	if res, _ := spec.Find(db, "first"); res.Value != "data for first" {
		t.Fatalf("first: %+v", res)
	}
	other := makeLmdb(t, "VERSION=3\nformat=print\ntype=btree\nHEADER=END\n first\n replaced\nDATA=END\n")
	for _, suffix := range []string{"", "-lock"} {
		if err := os.Rename(other+suffix, db+suffix); err != nil {
			t.Fatal(err)
		}
	}
	if res, _ := spec.Find(db, "first"); res.Value != "data for first" {
		t.Errorf("before Tidy the cached result stands, got %+v", res)
	}
	Tidy()
	if res, _ := spec.Find(db, "first"); res.Value != "replaced" {
		t.Errorf("after Tidy and replacement: %+v", res)
	}
}
