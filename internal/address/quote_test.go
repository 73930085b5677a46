package address

import "testing"

func TestIsDotAtom(t *testing.T) {
	tests := map[string]bool{
		"abc": true, "a.b": true, "a..b": true, "!#$%&'*+-/=?^_`{|}~": true,
		"": false, ".a": false, "a.": false, "a b": false, "a@b": false, "\xc3\xbc": false, `a"b`: false,
	}
	for in, want := range tests {
		if got := IsDotAtom(in); got != want {
			t.Errorf("IsDotAtom(%q) = %v", in, got)
		}
	}
}

func TestSplitAddress(t *testing.T) {
	tests := []struct{ in, lp, dom string }{
		{"a@b", "a", "b"},
		{"a@b@c", "a@b", "c"},
		{"local", "local", ""},
		{`"a@b"`, `"a@b"`, ""},
		{`"a@b"@c`, `"a@b"`, "c"},
		{`a\@b`, `a\@b`, ""},
		{`a\\@b`, `a\\`, "b"},
		{`\@b`, "\\", "b"}, // Exim never looks at the first byte for escapes
		{"@b", "", "b"},
	}
	for _, tt := range tests {
		lp, dom := SplitAddress(tt.in)
		if lp != tt.lp || dom != tt.dom {
			t.Errorf("SplitAddress(%q) = %q, %q; want %q, %q", tt.in, lp, dom, tt.lp, tt.dom)
		}
	}
}
