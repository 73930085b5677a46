package lookup

import (
	"errors"
	"strings"
	"testing"
)

func wildFile(t *testing.T) string {
	nested := writeFile(t, "nested", "a: nested a\n")
	partial := writeFile(t, "partial", "*.foo.ex: partial foo\n")
	return writeFile(t, "wild", `^(?-i)ABC   caseful-regex
*.wild.ex   tail
"quo ted"   quoted
lit.EX   literal
lsearch;`+nested+`  nested
partial-lsearch;`+partial+`  nestedpartial
^q[0-9]+   re
!neg.ex  negated
`)
}

var wildKeys = []string{"ABC", "abc", "x.WILD.ex", "quo ted", "LIT.ex", "a", "x.y.foo.ex", "q12", "Q12", "neg.ex", "other"}

func TestWildlsearchAgainstExim(t *testing.T) {
	Tidy()
	// These keys contain neither "$" nor "\": their expansion is themselves.
	defer setExpandHook(func(s string) (string, error) { return s, nil })()
	file := wildFile(t)
	compareWithExim(t, file, []string{"nwildlsearch", "wildlsearch", "nwildlsearch,ret=full"}, wildKeys)
}

func setExpandHook(f func(string) (string, error)) (restore func()) {
	old, oldFF := ExpandHook, IsForcedFailHook
	ExpandHook = f
	IsForcedFailHook = func(err error) bool { return err.Error() == "forced" }
	return func() { ExpandHook, IsForcedFailHook = old, oldFF }
}

func TestWildlsearchExpansion(t *testing.T) {
	Tidy()
	defer setExpandHook(func(s string) (string, error) {
		switch {
		case s == "${fail}":
			return "", errors.New("forced")
		case s == "${bad":
			return "", errors.New("syntax")
		}
		return strings.ReplaceAll(s, "$dom", "dom.ex"), nil
	})()
	spec, _ := ParseSpec("wildlsearch")
	file := writeFile(t, "w", "${fail} forced\n*.$dom expanded\n${bad next\n")
	res, err := spec.Find(file, "x.dom.ex")
	if err != nil || res.Value != "expanded" || !res.ResetNumeric {
		t.Errorf("expanded key: %+v %v", res, err)
	}
	_, err = spec.Find(file, "other")
	if !IsDefer(err) || err.Error() != "" {
		t.Errorf("bad expansion should defer with an empty message, got %v", err)
	}
	nspec, _ := ParseSpec("nwildlsearch")
	res, err = nspec.Find(file, "x.dom.ex")
	if err != nil || res.Found {
		t.Errorf("nwildlsearch must not expand: %+v %v", res, err)
	}
}

func TestIplsearchAgainstExim(t *testing.T) {
	Tidy()
	file := writeFile(t, "ip", `1.2.3.4:           data for 1.2.3.4
192.168.0.0/16:    data for 192.168.0.0/16
"abcd::cdab":      data for abcd::cdab
"abcd:abcd::/32"   data for abcd:abcd::/32
10.1.2.3/8  unaligned net
host.name   hostdata
*   star data
`)
	keys := []string{"1.2.3.4", "192.168.7.7", "abcd:abcd:1::", "abcd::CDAB", "::ffff:1.2.3.4",
		"10.200.1.1", "1.2.3.4/32", "host.name", "9.9.9.9", "*", "::1"}
	compareWithExim(t, file, []string{"iplsearch", "iplsearch*", "iplsearch,ret=full"}, keys)
}

func TestDsearchAgainstExim(t *testing.T) {
	Tidy()
	dir := t.TempDir()
	writeFile(t, "unused", "")
	mustRun(t, "mkdir", dir+"/sub")
	mustRun(t, "touch", dir+"/file")
	mustRun(t, "ln", "-s", "file", dir+"/link")
	keys := []string{"file", "sub", "link", ".", "..", "FILE", "a/b", "none"}
	types := []string{"dsearch", "dsearch,ret=full", "dsearch,filter=file", "dsearch,filter=dir",
		"dsearch,filter=subdir", "dsearch,ret=key", "dsearch,filter=bogus"}
	compareWithExim(t, dir, types, keys)
	compareWithExim(t, dir+"/file", []string{"dsearch"}, []string{"x"})
	compareWithExim(t, dir+"/nope", []string{"dsearch"}, []string{"x"})
}
