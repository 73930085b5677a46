package conf

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary text to the reader: errors are fine, panics
// and hangs are not.
func FuzzParse(f *testing.F) {
	seeds := []string{
		head + "ABC = x\\\n  y\nqualify_domain = ABC\n",
		head + ".ifdef _HAVE_SRS\n.elifndef X\n.else\n.endif\n",
		head + "begin acl\na:\n accept hosts = :\n !verify = recipient\n set acl_m0 = 1\n",
		head + "begin routers\nr:\n driver = accept\n hide transport = \"a\\x41\\101\"\n",
		head + "begin retry\n* * F,2h,15m; G,16h,1h,1.5\nbegin rewrite\n\"*@a\" \"b c\" Tq\n",
		"domainlist d = a : b\nhostlist h = <; ::1\n",
		"\\\n\\\n",
		".include_if_exists /nonexistent\n",
	}
	if matches, _ := filepath.Glob("testdata/debian/*.conf"); len(matches) > 0 {
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil {
				seeds = append(seeds, string(b))
			}
		}
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := Parse("fuzz.conf", text, nil)
		if err == nil && c == nil {
			t.Fatal("nil config without error")
		}
	})
}
