package conf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"exigo/internal/lists"
)

// ensure registers test options only where the real tables have none, so
// these tests run whatever the tables hold.
func ensure(kind Kind, driver string, defs ...OptionDef) {
	for _, d := range defs {
		if driver != "" {
			if !HasDriver(kind, driver) || lookupDef(kind, driver, d.Name) == nil {
				RegisterDriver(kind, driver, []OptionDef{d})
			}
			continue
		}
		if lookupDef(kind, "", d.Name) == nil {
			RegisterGeneric(kind, []OptionDef{d})
		}
	}
}

func init() {
	ensure(KindMain, "",
		OptionDef{Name: "primary_hostname", Type: TypeString, Unset: true},
		OptionDef{Name: "qualify_domain", Type: TypeString, Unset: true},
		OptionDef{Name: "spool_directory", Type: TypeString, Unset: true, Expanded: true},
		OptionDef{Name: "smtp_accept_max", Type: TypeInt, Default: "20"},
		OptionDef{Name: "accept_8bitmime", Type: TypeBool, Default: "true"},
		OptionDef{Name: "auto_thaw", Type: TypeTime, Default: "0s"},
		OptionDef{Name: "queue_only_load", Type: TypeFixed, Unset: true},
		OptionDef{Name: "message_size_limit", Type: TypeString, Default: "50M", Expanded: true},
		OptionDef{Name: "acl_smtp_rcpt", Type: TypeString, Unset: true, Expanded: true},
		OptionDef{Name: "queue_only", Type: TypeBool, Default: "false"},
		OptionDef{Name: "never_users", Type: TypeUIDList, Unset: true},
	)
	ensure(KindRouter, "", OptionDef{Name: "transport", Type: TypeString, Unset: true},
		OptionDef{Name: "domains", Type: TypeDomainList, Unset: true})
	ensure(KindRouter, "accept")
	if !HasDriver(KindRouter, "accept") {
		RegisterDriver(KindRouter, "accept", nil)
	}
	ensure(KindRouter, "redirect", OptionDef{Name: "data", Type: TypeString, Unset: true, Expanded: true},
		OptionDef{Name: "allow_fail", Type: TypeBool, Default: "false"})
	ensure(KindTransport, "appendfile", OptionDef{Name: "mode", Type: TypeOctal, Default: "0600"})
}

const head = "primary_hostname = a.b\n"

func mustParse(t *testing.T, text string, defines map[string]string) *Config {
	t.Helper()
	c, err := Parse("test.conf", text, defines)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

func TestOptionTypes(t *testing.T) {
	c := mustParse(t, head+`smtp_accept_max = 3K
no_accept_8bitmime
auto_thaw = 1d2h30m
queue_only_load = 1.2345
queue_only
message_size_limit = "a\tb\x41\101\"c"
`, nil)
	if got := c.Int("smtp_accept_max"); got != 3072 {
		t.Errorf("smtp_accept_max = %d", got)
	}
	if c.Bool("accept_8bitmime") {
		t.Error("no_accept_8bitmime did not turn it off")
	}
	if got := c.Time("auto_thaw"); got != 26*time.Hour+30*time.Minute {
		t.Errorf("auto_thaw = %v", got)
	}
	if got := c.Fixed("queue_only_load"); got != 1234 {
		t.Errorf("queue_only_load = %d", got)
	}
	if !c.Bool("queue_only") {
		t.Error("queue_only not set")
	}
	if got := c.String("message_size_limit"); got != "a\tbAA\"c" {
		t.Errorf("quoted string = %q", got)
	}
	if c.String("qualify_domain") != "" || c.IsSet("qualify_domain") {
		t.Error("unset option reads as set")
	}
}

func TestMacros(t *testing.T) {
	c := mustParse(t, head+`ABCD_XYZ = one
ABCD = two
MAC = initial
MAC == MAC and more
qualify_domain = ABCD_XYZ ABCD MAC
EMPTY =
EMPTY
`, nil)
	if got := c.String("qualify_domain"); got != "one two initial and more" {
		t.Errorf("qualify_domain = %q", got)
	}
	c = mustParse(t, head+"MAC = file\nqualify_domain = MAC\n", map[string]string{"MAC": "command"})
	if got := c.String("qualify_domain"); got != "command" {
		t.Errorf("-D did not override: %q", got)
	}
}

func TestContinuationAndComments(t *testing.T) {
	c := mustParse(t, head+"   # comment\n\nqualify_domain = a \\\n   # comment inside\n     b\\\n   c   \n", nil)
	if got := c.String("qualify_domain"); got != "a bc" {
		t.Errorf("qualify_domain = %q", got)
	}
}

func TestConditionals(t *testing.T) {
	text := head + `.ifdef AAA
qualify_domain = aaa
.elifdef BBB
qualify_domain = bbb
.elifndef CCC
qualify_domain = notccc
.else
qualify_domain = else
.endif
.ifdef _HAVE_LMDB
smtp_accept_max = 7
.endif
.ifndef NEVER
.ifdef NEVER
smtp_accept_max = 8
.endif
.endif
`
	for _, tc := range []struct {
		defines map[string]string
		want    string
	}{
		{map[string]string{"AAA": "1"}, "aaa"},
		{map[string]string{"BBB": "1"}, "bbb"},
		{nil, "notccc"},
		{map[string]string{"CCC": "1"}, "else"},
		{map[string]string{"AAA": "1", "BBB": "1"}, "aaa"},
	} {
		c := mustParse(t, text, tc.defines)
		if got := c.String("qualify_domain"); got != tc.want {
			t.Errorf("%v: qualify_domain = %q, want %q", tc.defines, got, tc.want)
		}
		if c.Int("smtp_accept_max") != 7 {
			t.Errorf("_HAVE_LMDB not defined or nested .ifdef wrong: %d", c.Int("smtp_accept_max"))
		}
	}
}

func TestInclude(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("inc.conf", "qualify_domain = included\n")
	main := write("main.conf", head+".include inc.conf\n.include_if_exists /nonexistent/x\nsmtp_accept_max = 5\nfoo_unknown = 1\n")
	_, err := Load(main, nil)
	if err == nil || !strings.Contains(err.Error(), "line 5 of "+main) {
		t.Fatalf("error after include should name line 5 of main: %v", err)
	}
	main = write("main2.conf", head+".include \"inc.conf\"\n")
	c, err := Load(main, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.String("qualify_domain") != "included" {
		t.Errorf("include not read: %q", c.String("qualify_domain"))
	}
	write("bad.conf", "\nnosuch_opt = 1\n")
	main = write("main3.conf", head+".include bad.conf\n")
	_, err = Load(main, nil)
	if err == nil || !strings.Contains(err.Error(), "line 2 of "+filepath.Join(dir, "bad.conf")) {
		t.Fatalf("error in include should name the included file: %v", err)
	}
}

func TestNamedListsAndSections(t *testing.T) {
	c := mustParse(t, head+`domainlist local_domains = @ : localhost
hostlist_cache relay = 127.0.0.1
hide addresslist senders = a@b
localpartlist lp = x
acl_smtp_rcpt = check_rcpt

begin acl

check_rcpt:
  deny    message = no
         !verify  = recipient
  accept  domains = +local_domains
          endpass
  warn    set acl_m_x = 1
  accept

begin routers

r1:
  driver = accept
  transport = t1

begin transports

t1:
  driver = appendfile
  mode = 0640

begin retry

*  quota_7d  F,1h,10m
"*@x" rcpt_4xx senders=a@b F,2h,15m; G,16h,1h,1.5

begin rewrite

*@old.example  $1@new.example  Tbcfrt
`, nil)
	if v, ok := c.NamedList(lists.Domain, "local_domains"); !ok || v != "@ : localhost" {
		t.Errorf("domainlist = %q %v", v, ok)
	}
	if _, ok := c.NamedList(lists.Host, "relay"); !ok {
		t.Error("hostlist_cache not read")
	}
	acl := c.ACLs["check_rcpt"]
	if acl == nil || len(acl.Statements) != 4 {
		t.Fatalf("ACL = %+v", acl)
	}
	s0 := acl.Statements[0]
	if s0.Verb != "deny" || len(s0.Items) != 2 || !s0.Items[1].Negated || s0.Items[1].Value != "recipient" {
		t.Errorf("statement 0 = %+v", s0)
	}
	if it := acl.Statements[1].Items[1]; it.Name != "endpass" {
		t.Errorf("endpass = %+v", it)
	}
	if it := acl.Statements[2].Items[0]; it.Name != "set" || it.Var != "acl_m_x" || it.Value != "1" {
		t.Errorf("set = %+v", it)
	}
	r := c.Router("r1")
	if r == nil || r.Driver != "accept" || r.String("transport") != "t1" {
		t.Errorf("router = %+v", r)
	}
	if tr := c.Transport("t1"); tr == nil || tr.Int("mode") != 0o640 {
		t.Errorf("transport = %+v", tr)
	}
	if len(c.Retry) != 2 || c.Retry[1].Pattern != "*@x" || c.Retry[1].Senders != "a@b" || len(c.Retry[1].Params) != 2 || c.Retry[1].Params[1].Factor != 1500 {
		t.Errorf("retry = %+v", c.Retry)
	}
	if len(c.Rewrite) != 1 || c.Rewrite[0].Replacement != "$1@new.example" || c.Rewrite[0].Flags != "Tbcfrt" {
		t.Errorf("rewrite = %+v", c.Rewrite)
	}
}

// The error texts below were recorded from Debian's Exim 4.96
// ("exim -C t.conf -bV") with the same lines.
func TestErrorsAsExim(t *testing.T) {
	h := "primary_hostname = a.b\nspool_directory=/tmp/x\n"
	for _, tc := range []struct{ text, want string }{
		{h + "smtp_accept_max = 12x\n", "line 3 of test.conf:\n  extra characters follow integer value for smtp_accept_max"},
		{h + "auto_thaw = 5q\n", "line 3 of test.conf:\n  invalid time value for auto_thaw"},
		{h + "accept_8bitmime = maybe\n", "line 3 of test.conf:\n  \"maybe\" is not a valid value for the \"accept_8bitmime\" option"},
		{h + "no_smtp_accept_max\n", "line 3 of test.conf:\n  negation prefix applied to a non-boolean option"},
		{h + "smtp_accept_max\n", "line 3 of test.conf:\n  unexpected end of line (data missing) after smtp_accept_max"},
		{h + "queue_only_load = x\n", "line 3 of test.conf:\n  fixed-point number expected for queue_only_load"},
		{h + "foo_bar = 1\n", "line 3 of test.conf:\n  main option \"foo_bar\" unknown"},
		{h + "smtp_accept_max = 99999999999999\n", "line 3 of test.conf:\n  absolute value of integer \"99999999999999\" is too large (overflow)"},
		{h + "primary_hostname = x\n", "line 3 of test.conf:\n  \"primary_hostname\" option set for the second time"},
		{h + "begin routers\nr1:\n  driver = accept\n  foo = 1\n", "line 6 of test.conf:\n  option \"foo\" unknown"},
		{h + "begin routers\nr1:\n  foo = 1\n", "line 5 of test.conf:\n  option \"foo\" unknown (\"driver\" must be specified before any private options)"},
		{h + "begin routers\nr1:\n  driver = nosuch\n", "line 5 of test.conf:\n  router r1: cannot find router driver \"nosuch\""},
		{h + "begin routers\nr1:\n  transport = x\n", "error:\n  no driver defined for router \"r1\""},
		{h + "begin routers\nr1:\n  driver = accept\n  transport = x\n  transport = y\n", "line 7 of test.conf:\n  \"transport\" option set for the second time"},
		{h + "begin routers\nr1:\n  driver = accept\nr1:\n  driver = accept\n", "error:\n  there are two routers called \"r1\""},
		{h + "begin transports\nt1:\n  driver = appendfile\n  mode = 0x9\n", "line 6 of test.conf:\n  extra characters follow octal integer value for mode"},
		{h + "begin nosuch\n", "line 3 of test.conf:\n  \"nosuch\" is not a known configuration section name"},
		{h + ".ifdef FOO\n", "line 3 of test.conf:\n  Unexpected end of configuration file: .endif missing"},
		{h + ".endif\n", "line 3 of test.conf:\n  .endif without matching .ifdef"},
		{h + ".include /nonexist\n", "line 3 of test.conf:\n  failed to open included configuration file /nonexist"},
		{h + ".include_if_exists rel\n", "line 3 of test.conf:\n  .include specifies a non-absolute path \"rel\""},
		{h + "FOO = 1\nFOO = 2\n", "error:\n  macro \"FOO\" is already defined (use \"==\" if you want to redefine it)"},
		{h + "FOO == 1\n", "error:\n  can't redefine an undefined macro \"FOO\""},
		{h + "Foo bar\n", "line 3 of test.conf:\n  malformed macro definition"},
		{h + "FOO = 1\nFOOBAR = 2\n", "error:\n  \"FOOBAR\" cannot be defined as a macro because previously defined macro \"FOO\" is a substring"},
		{h + "domainlist x = a\ndomainlist x = b\n", "line 4 of test.conf:\n  duplicate name \"x\" for a named domain list"},
		{h + "begin acl\na1:\n  accept nosuch = 1\n", "line 5 of test.conf:\n  error in ACL: unknown ACL condition/modifier in \"accept nosuch = 1\""},
		{h + "begin acl\na1:\n  frobnicate\n", "line 5 of test.conf:\n  error in ACL: unknown ACL verb \"frobnicate\" in \"frobnicate\""},
		{h + "begin acl\na1:\n  accept hosts\n", "line 5 of test.conf:\n  error in ACL: \"=\" missing after ACL \"hosts\" condition"},
		{h + "begin acl\n  accept hosts = 1\n", "line 4 of test.conf:\n  missing or malformed ACL name"},
		{h + "begin acl\nx:\n  accept\nx:\n  deny\n", "line 6 of test.conf:\n  there are two ACLs called \"x\""},
		{h + "begin retry\n* * F,2x,1m\n", "line 4 of test.conf:\n  bad parameters for retry rule"},
		{h + "begin retry\n* nosuch F,2h,1m\n", "line 4 of test.conf:\n  unknown or malformed retry error \"nosuch\""},
		{h + "begin rewrite\n*@x\n", "line 4 of test.conf:\n  missing rewrite replacement string"},
		{h + "begin routers\n  driver = accept\n", "line 4 of test.conf:\n  router name missing"},
		{h + "begin routers\nr1:\n  driver = accept\n  no_transport\n", "line 6 of test.conf:\n  negation prefix applied to a non-boolean option"},
		{h + "a-b = 1\n", "line 3 of test.conf:\n  main option \"a\" unknown"},
		{h + "9 = 1\n", "line 3 of test.conf:\n  option setting expected: 9 = 1"},
	} {
		_, err := Parse("test.conf", tc.text, nil)
		if err == nil {
			t.Errorf("%q: no error, want %q", tc.text, tc.want)
			continue
		}
		want := "Exim configuration " + tc.want
		if strings.HasPrefix(tc.want, "line") {
			want = "Exim configuration error in " + tc.want
		}
		if got := err.Error(); got != want {
			t.Errorf("%q:\n got %q\nwant %q", tc.text, got, want)
		}
	}
}

func TestAcceptedAsExim(t *testing.T) {
	// Lines Exim 4.96 accepts that a stricter reader might refuse.
	for _, text := range []string{
		head + "accept_8bitmime = \n",
		head + "FOO_ = 3\n",
		head + "begin routers\nr1 :\n  driver = accept\n  hide transport = x\n",
		head + "begin routers\nr1:\n  driver = accept\nFOO = 1\nr2:\n  driver = accept\n",
	} {
		if _, err := Parse("test.conf", text, nil); err != nil {
			t.Errorf("%q: %v", text, err)
		}
	}
}

func TestCommandMacroNames(t *testing.T) {
	if _, err := Parse("t", head, map[string]string{"foo": "1"}); err == nil ||
		err.Error() != "macro name set by -D must start with an upper case letter" {
		t.Errorf("lower case -D: %v", err)
	}
}

func TestRegistryMacros(t *testing.T) {
	c := mustParse(t, head+".ifdef _OPT_ROUTER_REDIRECT_DATA\nsmtp_accept_max = 9\n.endif\n", nil)
	if c.Int("smtp_accept_max") != 9 {
		t.Error("_OPT_ROUTER_REDIRECT_DATA not defined")
	}
	for _, name := range []string{"_DRIVER_ROUTER_ACCEPT", "_OPT_MAIN_ACCEPT_8BITMIME", "_ACL_COND_ACL", "_ACL_MOD_SET", "_HAVE_LMDB"} {
		if v, ok := c.Macro(name); !ok || v != "y" {
			t.Errorf("%s = %q %v", name, v, ok)
		}
	}
}

func TestParseACLInline(t *testing.T) {
	acl, err := ParseACL("inline", "inline", "accept hosts = 1.2.3.4\n  message = hi\ndeny\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(acl.Statements) != 2 || acl.Statements[0].Items[1].Value != "hi" || acl.Statements[1].Verb != "deny" {
		t.Fatalf("got %+v", acl.Statements)
	}
	if _, err := ParseACL("x", "x", "frobnicate"); err == nil {
		t.Fatal("want an error for an unknown verb")
	}
}

// Exim 4.96, ${acl{/file}} where the file holds
// "accept message = _DRIVER_ROUTER_ACCEPT": the message is the text as
// written, the built-in macro not substituted.
func TestParseACLNoMacros(t *testing.T) {
	acl, err := ParseACL("f", "f", "accept message = _DRIVER_ROUTER_ACCEPT\n")
	if err != nil {
		t.Fatal(err)
	}
	if v := acl.Statements[0].Items[0].Value; v != "_DRIVER_ROUTER_ACCEPT" {
		t.Errorf("message = %q", v)
	}
}
