package dnsx

import "testing"

func TestDNSNameSyntax(t *testing.T) {
	for name, ok := range map[string]bool{
		"5.2.0.192.rbl.test": true, "a.b.": true, "a_b/c-d.e": true, "x": true,
		".rbl.test": false, "a..b": false, "we!rd.test": false, "-a.b": false,
		"a-.b": false, "": false, ".": false, "a b.c": false,
	} {
		if got := NameOK(DefaultNamesPattern, name); got != ok {
			t.Errorf("%q: %v", name, got)
		}
	}
	if !NameOK("", "a..b") || NameOK(`^[a-z.]+$`, "a1.b") || !NameOK(`^[a-z0-9.]+$`, "a1.b") {
		t.Error("a configured pattern is not applied")
	}
}
