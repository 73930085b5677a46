package lookup

import (
	"os"
	"sync"
	"testing"
)

func findValue(t *testing.T, spec *Spec, file, key string) string {
	t.Helper()
	res, err := spec.Find(file, key)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Found {
		return "NOTFOUND"
	}
	return res.Value
}

// A file's contents are a snapshot until Tidy; after Tidy a changed file
// is read again.
func TestLsearchSnapshotUntilTidy(t *testing.T) {
	Tidy()
	spec, _ := ParseSpec("lsearch")
	file := writeFile(t, "f", "k: v1\n")
	if got := findValue(t, spec, file, "k"); got != "v1" {
		t.Fatalf("k = %q", got)
	}
	if err := os.WriteFile(file, []byte("k: v2\nnew: n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := findValue(t, spec, file, "k"); got != "v1" {
		t.Errorf("cached k = %q, want v1", got)
	}
	if got := findValue(t, spec, file, "new"); got != "NOTFOUND" {
		t.Errorf("new before Tidy = %q", got)
	}
	Tidy()
	if got := findValue(t, spec, file, "k"); got != "v2" {
		t.Errorf("k after Tidy = %q, want v2", got)
	}
	if got := findValue(t, spec, file, "new"); got != "n" {
		t.Errorf("new after Tidy = %q", got)
	}
}

// Beyond OpenMax the least recently used file is closed; it is opened
// again when next used, and its cached results stay, as in Exim.
func TestOpenMax(t *testing.T) {
	Tidy()
	defer func(n int) { OpenMax = n }(OpenMax)
	OpenMax = 2
	spec, _ := ParseSpec("lsearch")
	files := []string{writeFile(t, "1", "k: one\n"), writeFile(t, "2", "k: two\n"), writeFile(t, "3", "k: three\n")}
	for i, want := range []string{"one", "two", "three"} {
		if got := findValue(t, spec, files[i], "k"); got != want {
			t.Errorf("file %d: %q", i, got)
		}
	}
	if n := CachedHandles(); n != 2 {
		t.Errorf("%d handles open, want 2", n)
	}
	if err := os.WriteFile(files[0], []byte("k: uno\nk2: dos\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := findValue(t, spec, files[0], "k"); got != "one" {
		t.Errorf("closed file's cached result: %q", got)
	}
	if got := findValue(t, spec, files[0], "k2"); got != "dos" {
		t.Errorf("reopened file: %q", got)
	}
	os.Remove(files[0])
	if _, err := spec.Find(files[0], "k"); err != nil {
		t.Errorf("an open file needs no reopening: %v", err)
	}
	Tidy()
	if n := CachedHandles(); n != 0 {
		t.Errorf("%d handles open after Tidy", n)
	}
}

func TestPartialParts(t *testing.T) {
	Tidy()
	file := writeFile(t, "p", "*.fict.example: wild\nexact.example: exact\n*.dates.fict.example: dates\n*: star\n*@dom.ex: at\n")
	for _, tc := range []struct{ typ, key, value, wild, fixed string }{
		{"partial-lsearch", "2250.x.fict.example", "wild", "2250.x", "fict.example"},
		{"partial-lsearch", "exact.example", "exact", "", "exact.example"},
		{"partial-lsearch", "dates.fict.example", "dates", "", "dates.fict.example"},
		{"lsearch*", "nothing", "star", "nothing", ""},
		{"lsearch*@", "user@dom.ex", "at", "user", ""},
	} {
		spec, err := ParseSpec(tc.typ)
		if err != nil {
			t.Fatal(err)
		}
		res, err := spec.Find(file, tc.key)
		if err != nil || res.Value != tc.value || !res.HasParts || res.Wild != tc.wild || res.Fixed != tc.fixed {
			t.Errorf("%s %q: %+v %v; want %q wild %q fixed %q", tc.typ, tc.key, res, err, tc.value, tc.wild, tc.fixed)
		}
	}
	plain, _ := ParseSpec("lsearch")
	if res, _ := plain.Find(file, "exact.example"); res.HasParts {
		t.Error("a plain lookup sets no numeric parts")
	}
}

// Lookups and Tidy may run from many goroutines at once (the daemon).
func TestConcurrentFindAndTidy(t *testing.T) {
	Tidy()
	spec, _ := ParseSpec("partial-lsearch*")
	file := writeFile(t, "c", "a.example: A\n*.b.example: B\n*: S\n")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if g == 0 && i%20 == 0 {
					Tidy()
				}
				res, err := spec.Find(file, "x.b.example")
				if err != nil || res.Value != "B" {
					t.Errorf("got %+v %v", res, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}
