package regex

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestCacheReturnsSameRegexp(t *testing.T) {
	a, err := Compile(`^cache-test-\d+$`)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Compile(`^cache-test-\d+$`)
	if a != b {
		t.Error("second Compile did not come from the cache")
	}
	for i := 0; i < cacheLimit+10; i++ {
		if _, err := Compile(fmt.Sprintf("fill%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(cache.m); n > cacheLimit {
		t.Errorf("cache holds %d patterns, limit %d", n, cacheLimit)
	}
}

func TestMustCompilePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustCompile(`a(`) did not panic")
		}
	}()
	MustCompile(`a(`)
}

func TestNumSubexpAndEngine(t *testing.T) {
	tests := []struct {
		pattern  string
		nsub     int
		useRE2   bool
		hasBackT bool
	}{
		{`(a)(b)?`, 2, true, true},
		{`(a)\1`, 1, false, true},
		{`(?<=x)(y)`, 1, false, true},
		{`x*+`, 0, false, true},
		{`(?U)(a+)`, 1, true, false}, // .NET has no (?U)
	}
	for _, tc := range tests {
		re, err := Compile(tc.pattern)
		if err != nil {
			t.Errorf("%q: %v", tc.pattern, err)
			continue
		}
		if re.NumSubexp() != tc.nsub || (re.re != nil) != tc.useRE2 || (re.back != nil) != tc.hasBackT {
			t.Errorf("%q: nsub %d re2 %v backtracker %v", tc.pattern, re.NumSubexp(), re.re != nil, re.back != nil)
		}
	}
}

func TestFindAllLimit(t *testing.T) {
	re := MustCompile(`a`)
	if got := re.FindAllStringSubmatchIndex("aaaa", 2); len(got) != 2 {
		t.Errorf("n=2 gave %d matches", len(got))
	}
	if got := re.FindAllStringSubmatchIndex("bbb", -1); got != nil {
		t.Errorf("no match gave %v", got)
	}
}

// Subjects with high bytes keep byte offsets, on both engines.
func TestHighByteOffsets(t *testing.T) {
	for _, p := range []string{`(b)`, `(?<=\xe9)(b)`} {
		loc := MustCompile(p).FindStringSubmatchIndex("caf\xe9b")
		if fmt.Sprint(loc) != "[4 5 4 5]" {
			t.Errorf("%q: %v", p, loc)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	res := []*Regexp{MustCompile(`^(\w+)@(\w+)$`), MustCompile(`(\w)\1`)}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if res[0].FindStringSubmatch("user@host") == nil || !res[1].MatchString("xaay") {
					t.Error("concurrent match failed")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func FuzzCompileAndMatch(f *testing.F) {
	for _, p := range []string{`a(b)?c$`, `(?m)^x`, `[\s\d-]`, `(?x) a # c`, `\Qa.\E`, `(a)\1`, `[[:alpha:]]{2,3}?`, `a*+`} {
		f.Add(p, "xa\nbc\n\xe9")
	}
	f.Fuzz(func(t *testing.T, pattern, subject string) {
		if len(pattern) > 200 || len(subject) > 200 {
			return
		}
		re, err := Compile(pattern)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "regular expression error in ") {
				t.Fatalf("odd error text %q", err)
			}
			return
		}
		for _, loc := range re.FindAllStringSubmatchIndex(subject, 20) {
			if loc[0] < 0 || loc[0] > loc[1] || loc[1] > len(subject) {
				t.Fatalf("%q on %q: bad match %v", pattern, subject, loc)
			}
		}
	})
}

func BenchmarkSimpleMatch(b *testing.B) {
	re := MustCompile(`^[^@]+@example\.com$`)
	for i := 0; i < b.N; i++ {
		re.MatchString("someone@example.com")
	}
}
