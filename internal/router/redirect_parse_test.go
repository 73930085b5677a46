package router

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func newTestParser() *forwardParser {
	return &forwardParser{allowDefer: true, allowFail: true, incomingDomain: "in.test", qualifyDomain: "q.test"}
}

func TestParseListItems(t *testing.T) {
	p := newTestParser()
	rc, msg := p.parseList("a@x.test, b\n# comment, c@x.test\n\\d, |/bin/cat, \"|/bin/x \\\"y\\\"\", /tmp/f, /tmp/dir/, :unknown:, (empty)")
	if rc != ffDelivered || msg != "" {
		t.Fatalf("rc %v msg %q", rc, msg)
	}
	want := []generated{
		{address: "a@x.test"}, {address: "b@q.test"}, {address: "d@in.test"},
		{address: "|/bin/cat", pipe: true}, {address: `|/bin/x "y"`, pipe: true},
		{address: "/tmp/f", file: true}, {address: "/tmp/dir/", file: true},
	}
	if !reflect.DeepEqual(p.out, want) {
		t.Errorf("got %+v\nwant %+v", p.out, want)
	}
}

func TestParseListSpecials(t *testing.T) {
	for _, c := range []struct {
		data string
		rc   forwardResult
		msg  string
	}{
		{":fail: go away, now\nnext", ffFail, "go away, now"},
		{":fail:", ffFail, ""},
		{":defer: later", ffDefer, "later"},
		{"x@y.test, :blackhole:", ffBlackhole, ""},
		{"", ffNotDelivered, ""},
		{"# nothing\n", ffNotDelivered, ""},
		{"bad address", ffError, `missing or malformed local part (expected word or "<") in "bad address"`},
		{":include:rel", ffError, `included file "rel" is not an absolute path`},
		{":include:", ffError, "file name missing after :include:"},
	} {
		p := newTestParser()
		rc, msg := p.parseList(c.data)
		if rc != c.rc || msg != c.msg {
			t.Errorf("%q: got %v %q, want %v %q", c.data, rc, msg, c.rc, c.msg)
		}
	}
}

func TestParseListForbidden(t *testing.T) {
	p := &forwardParser{forbidBlackhole: true, forbidInclude: true}
	for data, want := range map[string]string{
		":blackhole:":   `":blackhole:" is not permitted`,
		":fail: x":      `":fail: x" is not permitted`,
		":defer: y":     `":defer: y" is not permitted`,
		":include:/x/y": "included files not permitted",
	} {
		if rc, msg := p.parseList(data); rc != ffError || msg != want {
			t.Errorf("%q: got %v %q, want %q", data, rc, msg, want)
		}
	}
}

func TestParseListInclude(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc")
	if err := os.WriteFile(inc, []byte("i1@x.test\ni2@x.test, |/bin/p\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newTestParser()
	if rc, msg := p.parseList("a@x.test, :include:" + inc + ", z@x.test"); rc != ffDelivered {
		t.Fatalf("rc %v %q", rc, msg)
	}
	var got []string
	for _, g := range p.out {
		got = append(got, g.address)
	}
	want := []string{"a@x.test", "i1@x.test", "i2@x.test", "|/bin/p", "z@x.test"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	p = newTestParser()
	p.includeDir = "/nonexistent"
	if _, msg := p.parseList(":include:" + inc); msg != "included file "+inc+" is not in directory /nonexistent" {
		t.Errorf("include_directory: %q", msg)
	}
	p = newTestParser()
	if rc, msg := p.parseList(":include:" + dir + "/missing"); rc != ffIncludeFail ||
		msg != "failed to open included file "+dir+"/missing: No such file or directory" {
		t.Errorf("missing include: %v %q", rc, msg)
	}
}

func TestParseListSkipErrors(t *testing.T) {
	p := newTestParser()
	p.skipErrors = true
	rc, _ := p.parseList("good@x.test, bad address, other@x.test")
	if rc != ffDelivered || len(p.out) != 2 || len(p.skipped) != 1 || p.skipped[0].item != "bad address" {
		t.Errorf("rc %v out %v skipped %v", rc, p.out, p.skipped)
	}
	p = newTestParser()
	p.skipErrors = true
	if rc, _ := p.parseList("bad address"); rc != ffDelivered || len(p.out) != 0 {
		t.Errorf("only errors: rc %v", rc)
	}
}

func TestFilterKind(t *testing.T) {
	for s, want := range map[string]string{
		"# Exim filter\n":   "exim",
		"\n  #exim  FILTER": "exim",
		"# Sieve filter":    "sieve",
		"#Sievefilter":      "sieve",
		"# Exim":            "forward",
		"a@b.test":          "forward",
	} {
		if got := filterKind(s); got != want {
			t.Errorf("filterKind(%q) = %q, want %q", s, got, want)
		}
	}
}
