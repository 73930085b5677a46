package address

import (
	"strings"
	"testing"
)

// FuzzExtract checks that parsing never panics and that what it returns
// hangs together.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{"a@b", "Name <a@b>", "<@r1,@r2:a@b>", `"a b"@c (x)`, "g: a@b, c@d;", "a@[1.2.3.4]", "<<a@b>>", "a@b\xc3\xbc"} {
		f.Add(s)
	}
	all := Options{AllowDomainLiterals: true, StripExcessAngleBrackets: true, StripTrailingDot: true, AllowUTF8Domains: true, AllowNull: true}
	f.Fuzz(func(t *testing.T, s string) {
		for _, o := range []Options{{}, all} {
			p, start, end, err := o.ExtractAt(s)
			if err != nil {
				continue
			}
			if start < 0 || end > len(s) || start > end {
				t.Fatalf("ExtractAt(%q) offsets %d, %d", s, start, end)
			}
			if p.Domain != "" && p.Address != p.LocalPart+"@"+p.Domain {
				t.Fatalf("Extract(%q) = %+v", s, p)
			}
		}
		for _, it := range (Options{}).ExtractAll(s) {
			if it.Err == nil && (it.Start > it.End || it.End > len(s)) {
				t.Fatalf("ExtractAll(%q) item %+v", s, it)
			}
		}
		if out := Addresses(s); strings.Contains(s, "\x00") && strings.Contains(out, "\x00") {
			t.Fatalf("Addresses(%q) kept a NUL", s)
		}
	})
}
