package router

import "testing"

func TestMatchPrefix(t *testing.T) {
	for _, c := range []struct {
		lp, list   string
		plen, vlen int
	}{
		{"owner-joe", "owner- : x-", 6, 0},
		{"x-ann", "owner- : x-", 2, 0},
		{"joe", "owner-", 0, 0},
		{"a+b+c", "*+", 4, 3}, // up to the last "+"
		{"+c", "*+", 1, 0},
		{"OWNER-joe", "owner-", 6, 0}, // caseless
		{"x-", "x-", 2, 0},            // the whole local part
		{"abc", "*", 3, 3},
	} {
		plen, vlen := matchPrefix(c.lp, c.list)
		if plen != c.plen || vlen != c.vlen {
			t.Errorf("matchPrefix(%q, %q) = %d, %d; want %d, %d", c.lp, c.list, plen, vlen, c.plen, c.vlen)
		}
	}
}

func TestMatchSuffix(t *testing.T) {
	for _, c := range []struct {
		lp, list   string
		slen, vlen int
	}{
		{"joe-aa", "-aa : -b*", 3, 0},
		{"joe-bxyz", "-aa : -b*", 5, 3},
		{"jim-a-b", "-*", 4, 3}, // from the first "-"
		{"-aa", "-aa", 0, 0},    // a fixed suffix must leave something
		{"joe", "-aa", 0, 0},
		{"Joe-AA", "-aa", 3, 0},
	} {
		slen, vlen := matchSuffix(c.lp, c.list)
		if slen != c.slen || vlen != c.vlen {
			t.Errorf("matchSuffix(%q, %q) = %d, %d; want %d, %d", c.lp, c.list, slen, vlen, c.slen, c.vlen)
		}
	}
}

func TestSplitLocalPart(t *testing.T) {
	for _, c := range []struct{ addr, lp, domain string }{
		{"Joe@Test.EX", "Joe", "test.ex"},
		{`"a b"@x.test`, "a b", "x.test"},
		{`"x\"y"@x.test`, `x"y`, "x.test"},
		{`a\@b@x.test`, "a@b", "x.test"},
	} {
		lp, d := splitLocalPart(c.addr)
		if lp != c.lp || d != c.domain {
			t.Errorf("splitLocalPart(%q) = %q, %q; want %q, %q", c.addr, lp, d, c.lp, c.domain)
		}
	}
}
