package lists

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mapNamed serves named lists from a map keyed by kind and name.
type mapNamed map[Kind]map[string]string

func (m mapNamed) NamedList(kind Kind, name string) (string, bool) {
	l, ok := m[kind][name]
	return l, ok
}

// testNamed are the named lists of the tests; namedConf declares them
// for Exim.
var testNamed = mapNamed{
	Domain: {
		"dl1": "a.b : *.c",
		"dl2": "!x.c : +dl1",
		"neg": "!a.b",
	},
	Address:   {"al1": "*@+dl1 : bob@x.y"},
	LocalPart: {"lp1": "Ab : cd"},
	Host:      {"hl1": "1.2.3.4 : 5.6.7.0/24"},
}

func namedConf() string {
	words := map[Kind]string{Domain: "domainlist", Address: "addresslist", LocalPart: "localpartlist", Host: "hostlist"}
	var b strings.Builder
	for kind, lists := range testNamed {
		for name, list := range lists {
			fmt.Fprintf(&b, "%s %s = %s\n", words[kind], name, list)
		}
	}
	return b.String()
}

// writeFixtures creates the files the cases refer to as {D}/name.
func writeFixtures(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"ls1":      "a.b: data-ab\n*.x: starx\nb.c: bc\n",
		"ls2":      "a@b: whole\n*@c: starc\nb: domb\n",
		"ip1":      "1.2.3.0/24: net24\n5.6.7.8: single\n\"2001:db8::/32\": v6net\n",
		"ls3":      "1.2.3.0/24: lsnet\n9.9.9.9: ls9\n2001.0db8.0000.0000.0000.0000.0000.0001: v6dots\n",
		"at":       "b.example: alice : !bob : ^c.*$ : >more\nmore: dave : >*\n*: zed\n",
		"domfile":  "# comment\n!a.b\n*.b   # trailing comment\n\n",
		"lpfile":   "x#y\n# comment\nab #c\n",
		"hostfile": "1.2.3.0/24\n!5.6.7.8\n",
		"f1":       "lsearch;{D}/ls1\n",
		"f2":       "iplsearch;{D}/ip1\n",
		"f3":       "!1.2.3.4\n",
		"lsstar":   "*: star\n*.b.c: wild\n",
		"wild":     "^x[.](.*): rx $1\n*.y: star-y\n",
	}
	for name, text := range files {
		text = strings.ReplaceAll(text, "{D}", dir)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type listCase struct {
	cond, subject, list string
}

// oracleCases are checked against the real Exim (and their outcomes are
// kept in the want column of TestMatchCases for machines without it).
var oracleCases = []listCase{
	{"match_domain", "a.b", "*.b"},
	{"match_domain", "a.b", ":"},
	{"match_domain", "", ":"},
	{"match_domain", "a.b", "x:*.b"},
	{"match_domain", "A.b", "a.B"},
	{"match_domain", "myhost.test.ex", "@"},
	{"match_domain", "MyHost.test.ex", "@"},
	{"match_domain", "a.b", "^A"},
	{"match_domain", "a.b", "(?-i)^A"},
	{"match_domain", "a.b", "^(?-i)A"},
	{"match_domain", "a.b", "lsearch;{D}/ls1"},
	{"match_domain", "A.B", "lsearch;{D}/ls1"},
	{"match_domain", "y.x", "partial-lsearch;{D}/ls1"},
	{"match_domain", "z.y.x", "partial1-lsearch;{D}/ls1"},
	{"match_domain", "q.q", "lsearch*;{D}/ls1"},
	{"match_domain", "a.b", "lsearch,ret=key;{D}/ls1"},
	{"match_domain", "a.b", "!x.y"},
	{"match_domain", "x.y", "!x.y"},
	{"match_domain", "a.b", "!a.b : *"},
	{"match_domain", "a.b", "! a.b : *"},
	{"match_domain", "c.b", "!a.b : *.b"},
	{"match_domain", "a.b", "{D}/domfile"},
	{"match_domain", "c.b", "{D}/domfile"},
	{"match_domain", "c.d", "{D}/domfile"},
	{"match_domain", "c.d", "!{D}/domfile"},
	{"match_domain", "a.b", "!{D}/domfile"},
	{"match_domain", "x.c", "+dl2"},
	{"match_domain", "y.c", "+dl2"},
	{"match_domain", "a.b", "+dl1"},
	{"match_domain", "a.b", "!+dl1"},
	{"match_domain", "q.q", "!+dl1"},
	{"match_domain", "q.q", "! +dl1"},
	{"match_domain", "q.q", "+neg"},
	{"match_domain", "q.q", "+neg : z"},
	{"match_domain", "a.b", "<; x;a.b"},
	{"match_domain", "[127.0.0.1]", "@[]"},
	{"match_domain", "[1.2.3.4]", "@[]"},
	{"match_domain", "abc", "iplsearch;{D}/ip1"},
	{"match_domain", "key.ex", "*key.ex"},
	{"match_domain", "donkey.ex", "*key.ex"},
	{"match_domain", "a.b", "*"},
	{"match_local_part", "AB", "ab"},
	{"match_local_part", "ab", "*b"},
	{"match_local_part", "ab", "@"},
	{"match_local_part", "Ab", "+caseful:ab"},
	{"match_local_part", "ab", "+lp1"},
	{"match_local_part", "x#y", "{D}/lpfile"},
	{"match_local_part", "ab", "{D}/lpfile"},
	{"match_local_part", "x", "{D}/lpfile"},
	{"match_local_part", "ab", "^A"},
	{"match_local_part", "a.b", "lsearch;{D}/ls1"},
	{"match_address", "A@B", "B"},
	{"match_address", "A@x.B", "*.b"},
	{"match_address", "A@x.B", "a@*.b"},
	{"match_address", "A@x.B", "*a@*.b"},
	{"match_address", "xA@x.B", "*a@*.b"},
	{"match_address", "A@B", "lsearch;{D}/ls2"},
	{"match_address", "z@c", "lsearch*@;{D}/ls2"},
	{"match_address", "z@b", "*@lsearch;{D}/ls2"},
	{"match_address", "z@b", "^z"},
	{"match_address", "z@myhost.test.ex", "z@@"},
	{"match_address", "z@myhost.test.ex", "@"},
	{"match_address", "", ":"},
	{"match_address", "", ""},
	{"match_address", "", "*@b"},
	{"match_address", "Ab@B", "+caseful:ab@b"},
	{"match_address", "Ab@B", "+caseful:Ab@b"},
	{"match_address", "q@y.c", "+al1"},
	{"match_address", "bob@x.y", "+al1"},
	{"match_address", "Bob@X.Y", "+al1"},
	{"match_address", "alice@b.example", "@@lsearch;{D}/at"},
	{"match_address", "bob@b.example", "@@lsearch;{D}/at"},
	{"match_address", "carl@b.example", "@@lsearch;{D}/at"},
	{"match_address", "dave@b.example", "@@lsearch;{D}/at"},
	{"match_address", "zed@b.example", "@@lsearch;{D}/at"},
	{"match_address", "eve@b.example", "@@lsearch;{D}/at"},
	{"match_address", "eve@other", "@@lsearch;{D}/at"},
	{"match_address", "u@a.b", "*@+dl1"},
	{"match_address", "u@a.b", "u@+dl1"},
	{"match_address", "u@a.b", "v@+dl1"},
	{"match_address", "u@a.b", "*@partial-lsearch;{D}/ls1"},
	{"match_address", "u@q.x", "*@partial-lsearch;{D}/ls1"},
	{"match_ip", "1.2.3.4", "iplsearch;{D}/ip1"},
	{"match_ip", "2001:db8::1", "iplsearch;{D}/ip1"},
	{"match_ip", "1.2.3.4", "net24-lsearch;{D}/ls3"},
	{"match_ip", "9.9.9.9", "lsearch;{D}/ls3"},
	{"match_ip", "9.9.9.9", "net-lsearch;{D}/ls3"},
	{"match_ip", "2001:db8::1", "net-lsearch;{D}/ls3"},
	{"match_ip", "1.2.3.4", "foo.bar"},
	{"match_ip", "1.2.3.4", "+ignore_unknown:foo.bar:1.2.3.4"},
	{"match_ip", "1.2.3.4", "+include_unknown:foo.bar"},
	{"match_ip", "1.2.3.4", "1.2.3"},
	{"match_ip", "1.2.3.4", "1.2.3/24"},
	{"match_ip", "", ":"},
	{"match_ip", "", "*"},
	{"match_ip", "", "1.2.3.4"},
	{"match_ip", "1.2.3.4", ":"},
	{"match_ip", "::ffff:1.2.3.4", "1.2.3.4"},
	{"match_ip", "::ffff:1.2.3.4", "<; ::ffff:1.2.3.4"},
	{"match_ip", "1.2.3.4", "<; ::ffff:1.2.3.0/120"},
	{"match_ip", "127.0.0.1", "@[]"},
	{"match_ip", "1.2.3.4", "@[]"},
	{"match_ip", "abc", "1.2.3.4"},
	{"match_ip", "1.2.3.4", "@"},
	{"match_ip", "1.2.3.4", "!1.2.3.5"},
	{"match_ip", "1.2.3.4", "!1.2.3.4"},
	{"match_ip", "1.2.3.4", "1.2.3.4/32"},
	{"match_ip", "1.2.3.4", "1.2.0.0/16"},
	{"match_ip", "1.2.3.4", "0.0.0.0/0"},
	{"match_ip", "2001:db8::5", "<; 2001:db8::/32"},
	{"match_ip", "2001:db8::5", "2001::::db8::::/32"},
	{"match_ip", "5.6.7.8", "+hl1"},
	{"match_ip", "5.6.7.8", "{D}/hostfile"},
	{"match_ip", "1.2.3.9", "{D}/hostfile"},
	{"match_ip", "9.9.9.9", "!{D}/hostfile"},
	{"match_ip", "1.2.3.4", "*.foo"},
	{"match_address", "xyz@b", "*@b"},
	{"match_address", "xyz@b", "*z@b"},
	{"match_address", "z@myhost.test.ex", "*@@"},
	{"match_address", "zz@myhost.test.ex", "z*@@"},
	{"match_address", "u@myhost.test.ex", "u@@"},
	{"match_address", "u@[127.0.0.1]", "u@@[]"},
	{"match_address", "u@x", "u@"},
	{"match_address", "u@x", "u@!y"},
	{"match_address", "u@x", "lsearch,ret=key;{D}/ls2"},
	{"match_domain", "a.b", "{D}/f1"},
	{"match_ip", "1.2.3.4", "{D}/f2"},
	{"match_ip", "1.2.3.4", "!{D}/f3"},
	{"match_ip", "1.2.3.5", "{D}/f3"},
	{"match_domain", "a.b", "lsearch; {D}/ls1"},
	{"match_domain", "b.c", "partial-lsearch;{D}/ls1"},
	{"match_domain", "a.b", "<\n a.b"},
	{"match_domain", "[1.2.3.4", "@[]"},
	{"match_domain", "a.b", "@mx_foo"},
	{"match_domain", "@mx_foo", "@mx_foo"},
	{"match_local_part", "AB", "+caseful : ab : AB"},
	{"match_local_part", "AB", "^ab$"},
	{"match_local_part", "AB", "+caseful : ^ab$"},
	{"match_address", "AB@x", "^ab@"},
	{"match_address", "AB@x", "+caseful : ^ab@"},
	{"match_address", "AB@X", "+caseful : AB@x"},
	{"match_address", "", "lsearch;{D}/ls2"},
	{"match_address", "", "lsearch*;{D}/lsstar"},
	{"match_address", "", "^$"},
	{"match_address", "", "^x"},
	{"match_address", "u@x", "lsearch*;{D}/lsstar"},
	{"match_address", "u@x", "partial-lsearch;{D}/ls2"},
	{"match_address", "u@a.b", "partial-lsearch,ret=key;{D}/ls1"},
	{"match_local_part", "x", "lsearch*;{D}/lsstar"},
	{"match_domain", "x.y", "wildlsearch;{D}/wild"},
	{"match_domain", "x.y", "nwildlsearch;{D}/wild"},
	{"match_ip", "1.2.3.4", "net-iplsearch;{D}/ip1"},
	{"match_ip", "1.2.3.4", "net16-iplsearch;{D}/ip1"},
	{"match_ip", "2001:db8::1", "net-iplsearch;{D}/ip1"},
	{"match_ip", "2001:db8::1", "net32-lsearch;{D}/ls3"},
	{"match_ip", "1.2.3.4", "dsearch;{D}"},
	{"match_ip", "9.9.9.9", "net-lsearch,ret=key;{D}/ls3"},
	{"match_ip", "9.9.9.9", "lsearch,ret=key;{D}/ls3"},
}

// beExpr is the -be expression for a case.
func (c listCase) beExpr(dir string) string {
	return fmt.Sprintf("${if %s{%s}{%s}{[$value]}{no}}", c.cond, c.subject, strings.ReplaceAll(c.list, "{D}", dir))
}

// ours runs a case through this package and renders it as exim -be would.
func (c listCase) ours(dir string) string {
	env := &Env{Named: testNamed, PrimaryHostname: "myhost.test.ex", LocalIPs: []string{"127.0.0.1", "::1"}}
	list := strings.ReplaceAll(c.list, "{D}", dir)
	var res Result
	var err error
	switch c.cond {
	case "match_domain":
		res, err = MatchDomain(env, list, c.subject)
	case "match_local_part":
		res, err = MatchLocalPart(env, list, c.subject, true)
	case "match_address":
		res, err = MatchAddress(env, list, c.subject, true)
	case "match_ip":
		res, err = MatchIP(env, list, c.subject)
	}
	switch {
	case IsDefer(err):
		return fmt.Sprintf("Failed: unable to complete match against \"%s\": %s", list, err)
	case err != nil:
		return "Failed: " + err.Error()
	case !res.Matched:
		return "no"
	}
	return "[" + res.Data + "]"
}

// eximBe runs the real Exim's -be on exprs in a network namespace with
// only loopback; one output line per expression. Skips without Exim.
func eximBe(t *testing.T, exprs []string) []string {
	t.Helper()
	if _, err := exec.LookPath("exim"); err != nil {
		t.Skip("exim not installed: no oracle")
	}
	conf := eximConf(t)
	args := append([]string{"-n", "sh", "-c", `ip link set lo up; exim -C "$0" -be "$@"`, conf}, exprs...)
	out, err := exec.Command("unshare", args...).Output()
	if err != nil && len(out) == 0 {
		t.Skipf("cannot run exim in a network namespace: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(exprs) {
		t.Fatalf("exim gave %d lines for %d expressions:\n%s", len(lines), len(exprs), out)
	}
	return lines
}

// freshCases depend on Exim's state (a defer with no message shows
// "NULL" only before any lookup has run), so each runs in its own Exim.
var freshCases = []listCase{
	{"match_domain", "a.b", "+nosuch"},
	{"match_domain", "a.b", "+hl1"},
	{"match_local_part", "a", "+dl1"},
	{"match_address", "a@b", "x@y : +nosuch"},
}

func TestFreshAgainstExim(t *testing.T) {
	dir := writeFixtures(t)
	for _, c := range freshCases {
		expr := c.beExpr(dir)
		theirs := eximBe(t, []string{expr})[0]
		if ours := c.ours(dir); ours != theirs {
			t.Errorf("%s\n  exim:  %q\n  exigo: %q", expr, theirs, ours)
		}
	}
}

// eximConf writes a minimal configuration with the test's named lists.
func eximConf(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "exim.conf")
	text := fmt.Sprintf("primary_hostname = myhost.test.ex\nspool_directory = %s/spool\nlog_file_path = %s/%%slog\nexim_user = root\nexim_group = root\n%s", dir, dir, namedConf())
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return conf
}

func TestAgainstExim(t *testing.T) {
	dir := writeFixtures(t)
	var exprs []string
	for _, c := range oracleCases {
		exprs = append(exprs, c.beExpr(dir))
	}
	theirs := eximBe(t, exprs)
	if *updateGolden {
		writeGolden(t, dir, theirs)
	}
	for i, c := range oracleCases {
		if ours := c.ours(dir); ours != theirs[i] {
			t.Errorf("%s\n  exim:  %q\n  exigo: %q", exprs[i], theirs[i], ours)
		}
	}
	t.Logf("compared %d list matches with exim", len(exprs))
}
