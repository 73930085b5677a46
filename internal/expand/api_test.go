package expand

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"exigo/internal/lookup"
)

func TestCondition(t *testing.T) {
	c := &Context{Vars: &mapVars{m: map[string]string{"x": "FALSE", "y": "anything"}}}
	tests := []struct {
		in   string
		want bool
	}{
		{"", false}, {"0", false}, {"no", false}, {"No", false}, {"false", false}, {"$x", false},
		{"1", true}, {"yes", true}, {"true", true}, {"$y", true}, {"00", true}, {" ", true},
		{"${if eq{a}{a}}", true}, {"${if eq{a}{b}}", false},
		{"${if eq{a}{b}{yes}fail}", false}, // forced failure counts as false
	}
	for _, tt := range tests {
		got, err := c.Condition(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Condition(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := c.Condition("${if bad{}}"); err == nil {
		t.Error("a broken condition gave no error")
	}
}

func TestForcedFail(t *testing.T) {
	c := &Context{}
	_, err := c.Expand("${if eq{a}{b}{yes}fail}")
	if !IsForcedFail(err) || err.Error() != `"if" failed and "fail" requested` {
		t.Fatalf("err = %v, forced %v", err, IsForcedFail(err))
	}
	var e *Error
	if !errors.As(err, &e) || !e.ForcedFail() {
		t.Fatal("forced failure not visible through *Error")
	}
	_, err = c.Expand("${if bad}")
	if err == nil || IsForcedFail(err) {
		t.Fatalf("syntax error: %v (forced %v)", err, IsForcedFail(err))
	}
}

func TestTaint(t *testing.T) {
	c := &Context{Vars: &mapVars{
		m:       map[string]string{"sender_address": "a@b.example", "domain": "clean.example"},
		tainted: map[string]bool{"sender_address": true},
	}}
	tests := []struct {
		in      string
		tainted bool
	}{
		{"plain text", false},
		{"$domain", false},
		{"$sender_address", true},
		{"x${lc:$sender_address}y", true},
		{"${md5:$sender_address}", false}, // digests are built in fresh memory in Exim
		{"${strlen:$sender_address}", false},
		{"${if eq{$sender_address}{x}{$domain}{literal}}", false},
		{"${if eq{a}{a}{$sender_address}{literal}}", true},
		{"${sg{$sender_address}{a}{b}}", true},
		{"${map{$sender_address}{$item}}", true},
		{"${extract{1}{@}{$sender_address}}", true},
		{"$sender_address_domain", true},
		// The rest were checked against Exim 4.96 (a tainted name makes
		// ${readfile} fail with "Permission denied").
		{"${hex2b64:${md5:$sender_address}}", false},
		{"${filter{$sender_address}{eq{a}{a}}}", true},
		{"${map{$sender_address}{$item}}", true},
		{"${readfile{/etc/hostname}{$sender_address}}", true},
		{"${map{$sender_address}{x}}", false},
		{"${reduce{$sender_address}{}{x}}", false},
		{"${reduce{x}{}{$sender_address}}", true},
		{"${nhash{3}{$sender_address}}", false},
		{"${hash{3}{$sender_address}}", true},
		{"${length{3}{$sender_address}}", true},
		{"${sort{$sender_address}{lt}{$item}}", true},
		{"${if match{$sender_address}{(.*)}{$1}}", true},
		{"${if inlist{$sender_address}{a@b.example}{$value}}", false},
		{"${hmac{md5}{k}{$sender_address}}", false},
		{"${quote:$sender_address}", true},
		{"${listquote{:}{$sender_address}}", true},
	}
	for _, tt := range tests {
		_, tainted, err := c.ExpandTaint(tt.in)
		if err != nil || tainted != tt.tainted {
			t.Errorf("ExpandTaint(%q) tainted=%v err=%v, want %v", tt.in, tainted, err, tt.tainted)
		}
	}
}

func TestTaintedFileNamesRefused(t *testing.T) {
	c := &Context{Vars: &mapVars{
		m:       map[string]string{"lp": "passwd"},
		tainted: map[string]bool{"lp": true},
	}}
	for in, want := range map[string]string{
		"${readfile{/etc/$lp}}":             "failed to open /etc/passwd: Permission denied (euid=",
		"${lookup{x}lsearch{/etc/$lp}}":     "(null)",
		"${readsocket{/tmp/$lp}{x}}":        "(null)",
		"${expand:$lp}":                     "internal expansion of \"passwd\" failed: attempt to expand tainted string 'passwd'",
		"${run{/bin/$lp}}":                  "couldn't create child process: Operation not permitted",
		"${if eq{a}{a}{${readfile{/$lp}}}}": "failed to open /passwd: Permission denied",
	} {
		_, err := c.Expand(in)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: err %v, want prefix %q", in, err, want)
		}
	}
	// Tainted arguments (not the program) are fine for ${run}.
	if v, err := c.Expand("${run{/bin/echo $lp}}"); err != nil || v != "passwd\n" {
		t.Errorf("run with a tainted argument: %q, %v", v, err)
	}
}

func TestRegistries(t *testing.T) {
	RegisterItem("test_join", 1, 3, func(_ *Context, args []string) (string, error) {
		return strings.Join(args, "+"), nil
	})
	RegisterOperator("test_rev", func(_ *Context, s string) (string, error) {
		b := []byte(s)
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
		return string(b), nil
	})
	RegisterCondition("test_longer", 2, func(_ *Context, args []string) (bool, error) {
		return len(args[0]) > len(args[1]), nil
	})
	RegisterVar("test_var", func(*Context) (string, bool, bool) { return "from registry", false, true })
	RegisterOperator("test_fail", func(*Context, string) (string, error) { return "", errors.New("no way") })
	c := &Context{Vars: &mapVars{m: map[string]string{"test_shadow": "vars win"}}}
	RegisterVar("test_shadow", func(*Context) (string, bool, bool) { return "registry", false, true })
	tests := map[string]string{
		"${test_join{a}{b}{c}}":               "a+b+c",
		"${test_join{a}}":                     "a",
		"${test_join{a}{b}{c}{d}}":            "Failed: Too many arguments for 'test_join' (max is 3)",
		"${test_rev:abc}":                     "cba",
		"${if test_longer{abc}{ab}{y}{n}}":    "y",
		"${if !test_longer{abc}{ab}{y}{n}}":   "n",
		"${if eq{a}{b}{${test_rev:x}}{skip}}": "skip",
		"$test_var ${test_var}":               "from registry from registry",
		"$test_shadow":                        "vars win",
		"${test_fail:x}":                      "Failed: no way",
		"${if test_longer{a}}":                `Failed: missing { after "test_longer"`,
	}
	for in, want := range tests {
		if got := result(c, in); got != want {
			t.Errorf("%s = %q, want %q", in, got, want)
		}
	}
}

func TestACLVariables(t *testing.T) {
	c := &Context{ACL: map[string]string{"acl_m_spam": "yes", "acl_c0": "zero"}}
	tests := map[string]string{
		"$acl_m_spam/$acl_c0/[$acl_m_unset]": "yes/zero/[]",
		"${if def:acl_m_spam{y}{n}}":         "y",
		"${if def:acl_m_other{y}{n}}":        "n",
		"$acl_mx":                            `Failed: unknown variable name "acl_mx" (6th character of a user-defined ACL variable must be a digit or underscore)`,
		"$acl_foo":                           `Failed: unknown variable name "acl_foo" (user-defined ACL variables must start acl_c or acl_m)`,
	}
	for in, want := range tests {
		if got := result(c, in); got != want {
			t.Errorf("%s = %q, want %q", in, got, want)
		}
	}
}

func TestProcessVariables(t *testing.T) {
	c := &Context{}
	for in, ok := range map[string]func(string) bool{
		"$exim_version":       func(s string) bool { return s == "4.96" },
		"$version_number":     func(s string) bool { return s == "4.96" },
		"$tod_epoch":          func(s string) bool { return len(s) >= 10 },
		"$tod_log":            func(s string) bool { return len(s) == 19 && s[4] == '-' },
		"$tod_zulu":           func(s string) bool { return strings.HasSuffix(s, "Z") && len(s) == 15 },
		"$pid":                func(s string) bool { return s != "" && s != "0" },
		"$body_linecount":     func(s string) bool { return s == "0" },
		"$sender_host_dnssec": func(s string) bool { return s == "no" },
		"$interface_port":     func(s string) bool { return s == "-1" },
	} {
		if v := result(c, in); !ok(v) {
			t.Errorf("%s = %q", in, v)
		}
	}
}

func TestWildlsearchHook(t *testing.T) {
	if lookup.ExpandHook == nil || lookup.IsForcedFailHook == nil {
		t.Fatal("expand did not install the lookup hooks")
	}
	if v, err := lookup.ExpandHook(`${lc:ABC}`); err != nil || v != "abc" {
		t.Fatalf("ExpandHook = %q, %v", v, err)
	}
}

func TestDebugTrace(t *testing.T) {
	var w bytes.Buffer
	c := &Context{Debug: &w, DebugASCII: true}
	if v, err := c.Expand("${if eq{a}{a}{${lc:X}}{no}}"); err != nil || v != "x" {
		t.Fatal(v, err)
	}
	out := w.String()
	for _, want := range []string{"considering: ${if", "condition: eq", "result: x", "---scanning: no}"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
	w.Reset()
	_, _ = c.Expand("${if eq{a}{b}{yes}fail}")
	if !strings.Contains(w.String(), "failure was forced") {
		t.Errorf("trace of a forced failure:\n%s", w.String())
	}
}

func TestNoExpansionFastPath(t *testing.T) {
	c := &Context{}
	s := "no dollars or backslashes { } here"
	if v, tainted, err := c.ExpandTaint(s); v != s || tainted || err != nil {
		t.Fatal(v, tainted, err)
	}
}

// Exim keeps 255 bytes of a name and drops the rest without a word
// (Exim's test 0002 checks this).
func TestOverlongNames(t *testing.T) {
	long := strings.Repeat("a", 300)
	c := &Context{}
	if got, want := result(c, "$"+long), `Failed: unknown variable name "`+long[:255]+`"`; got != want {
		t.Errorf("got %q", got)
	}
	if got, want := result(c, "${"+long+"}"), `Failed: unknown variable in "${`+long[:255]+`}"`; got != want {
		t.Errorf("got %q", got)
	}
	if got := result(c, "+${11111111111111111111111111111111111}"); got != "+" {
		t.Errorf("overbig numeric variable: %q", got)
	}
}

func TestExpandWithDomain(t *testing.T) {
	c := &Context{Vars: &mapVars{m: map[string]string{"local_part": "lp"}}}
	if v, err := c.ExpandWithDomain("$local_part@$domain", "example.com"); err != nil || v != "lp@example.com" {
		t.Fatalf("got %q, %v", v, err)
	}
	c = &Context{Vars: &mapVars{m: map[string]string{"domain": "set.example"}}}
	if v, err := c.ExpandWithDomain("$domain", "other.example"); err != nil || v != "set.example" {
		t.Fatalf("an existing $domain was replaced: %q, %v", v, err)
	}
	if v, err := (&Context{}).ExpandWithDomain("$domain", "x.example"); err != nil || v != "x.example" {
		t.Fatalf("zero context: %q, %v", v, err)
	}
}
