package rewrite

import (
	"exigo/internal/expand/funcs"
	"strings"
	"testing"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/lists"
)

func testEnv() (*Env, *[]string) {
	var logged []string
	ctx := &expand.Context{Lists: &lists.Env{}}
	return &Env{
		Ctx: ctx, QualifySender: "q.example", QualifyRecipient: "r.example",
		LogRewrites: true,
		Log:         func(l string) { logged = append(logged, l) },
		Panic:       func(l string) { logged = append(logged, "PANIC "+l) },
	}, &logged
}

func mustRules(t *testing.T, lines ...string) Rules {
	t.Helper()
	var rs []conf.RewriteRule
	for i, l := range lines {
		key, rest := funcs.Dequote(strings.TrimLeft(l, " \t"))
		repl, flags := funcs.Dequote(strings.TrimLeft(rest, " \t"))
		rs = append(rs, conf.RewriteRule{Pattern: key, Replacement: repl, Flags: strings.TrimSpace(flags), Line: i + 1})
	}
	out, err := FromConfig(rs)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOne(t *testing.T) {
	e, logged := testEnv()
	rules := mustRules(t,
		"*@*.hitch.example $1@hitch.example",
		"fp42@hitch.example Ford.Prefect@hitch.example bctfrF",
		"root@* * f",
		`^x(.*)@old\.example $1@new.example`,
		`*@star.example "${if eq{$local_part}{keep}{fail}{$local_part@other.example}}"`,
		"*@bare.example $local_part Q",
		"*@bad.example $local_part",
		`^a\\.(.*)@rep\\.example $1@rep.example R`,
		`*@stop.example "${if eq{1}{1}{fail}}" q`,
		"*@stop.example never@seen.example",
	)
	cases := []struct {
		in   string
		flag Flag
		want string
	}{
		{"ph10@a.b.hitch.example", From, "ph10@hitch.example"},
		{"fp42@x.hitch.example", From, "Ford.Prefect@hitch.example"},
		{"fp42@x.hitch.example", Sender, "fp42@hitch.example"},
		{"fp42@x.hitch.example", EnvTo, "fp42@hitch.example"},
		{"root@x.hitch.example", From, "root@hitch.example"},
		{"xyz@old.example", To, "yz@new.example"},
		{"keep@star.example", To, "keep@star.example"},
		{"other@star.example", To, "other@other.example"},
		{"u@bare.example", To, "u@r.example"},
		{"u@bad.example", To, "u@bad.example"},
		{"a.a.a.b@rep.example", To, "b@rep.example"},
		{"s@stop.example", To, "s@stop.example"},
	}
	for _, c := range cases {
		if got := e.One(rules, c.in, c.flag).Address; got != c.want {
			t.Errorf("One(%q, %v) = %q, want %q", c.in, c.flag, got, c.want)
		}
	}
	joined := strings.Join(*logged, "\n")
	for _, want := range []string{
		`"ph10@a.b.hitch.example" from from: rewritten as "ph10@hitch.example" by rule 1`,
		`PANIC Rewrite of u@bad.example yielded unqualified address "u"`,
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("log lacks %q:\n%s", want, joined)
		}
	}
}

func TestStarStopsRules(t *testing.T) {
	e, _ := testEnv()
	rules := mustRules(t, "root@*.hitch.example * f", "*@*.hitch.example $1@hitch.example")
	if got := e.One(rules, "root@a.hitch.example", From).Address; got != "root@a.hitch.example" {
		t.Errorf("From: got %q", got)
	}
	if got := e.One(rules, "root@a.hitch.example", To).Address; got != "root@hitch.example" {
		t.Errorf("To: got %q", got)
	}
}

func TestWhole(t *testing.T) {
	e, _ := testEnv()
	rules := mustRules(t, `^x(.*)@old\.example "Mr X <$1@new.example>" w`)
	r := e.One(rules, "xz@old.example", From)
	if !r.Whole || r.Address != "Mr X <z@new.example>" {
		t.Errorf("header: %+v", r)
	}
	if r := e.One(rules, "xz@old.example", EnvFrom); r.Address != "z@new.example" {
		t.Errorf("envelope: %+v", r)
	}
}

func TestHeaderQualifyAndFold(t *testing.T) {
	e, _ := testEnv()
	allow := Allow{Sender: true, Recipient: true}
	got, changed := e.Header(Rules{}, "To: localuser, Other <other>, third\n", allow)
	want := "To: localuser@r.example, Other <other@r.example>, \n\tthird@r.example\n"
	if !changed || got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, changed := e.Header(Rules{}, "To: localuser\n", Allow{Sender: true}); changed {
		t.Errorf("recipient header qualified without permission")
	}
	got, _ = e.Header(Rules{}, "From: sender\n", allow)
	if got != "From: sender@q.example\n" {
		t.Errorf("From: %q", got)
	}
	if HeaderFlag("Resent-Cc: x") != Cc || HeaderFlag("Subject: x") != 0 {
		t.Errorf("HeaderFlag")
	}
}

func TestHeaderRules(t *testing.T) {
	e, _ := testEnv()
	rules := mustRules(t, "*@*.hitch.example $1@hitch.example")
	got, changed := e.Header(rules, "Cc: \"A B\" <a@x.hitch.example> (c), undisclosed:;\n", Allow{})
	if !changed || got != "Cc: \"A B\" <a@hitch.example> (c), undisclosed:;\n" {
		t.Errorf("got %q", got)
	}
}

func TestParseTransport(t *testing.T) {
	r, err := ParseTransport(`*@a.example $1@b.example : "x@y.example" "The X <x@z.example>" w`)
	if err != nil || len(r.List) != 2 || r.List[0].Flags != AllHeaders || r.List[1].Replacement != "The X <x@z.example>" {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := ParseTransport("*@a.example $1@b.example F"); err == nil {
		t.Error("F accepted at transport time")
	}
}

func TestFixPhraseCharset(t *testing.T) {
	// Exim 4.96 with headers_charset = ISO-8859-1 and the rule
	// `*@a.example "Jörg <${local_part}@b.example>" fw`: -brw x@a.example
	// gives "from: =?ISO-8859-1?Q?J=C3=B6rg?= <x@b.example>".
	if got := FixPhrase("Jörg", "ISO-8859-1"); got != "=?ISO-8859-1?Q?J=C3=B6rg?=" {
		t.Errorf("FixPhrase = %q", got)
	}
}

func TestFixPhrase(t *testing.T) {
	for in, want := range map[string]string{
		"John Q. Smith":     `"John Q. Smith"`,
		`John "Jack" Smith`: `John "Jack" Smith`,
		"Plain Name":        "Plain Name",
		"Jörg":              "=?UTF-8?Q?J=C3=B6rg?=",
	} {
		if got := FixPhrase(in, "UTF-8"); got != want {
			t.Errorf("FixPhrase(%q) = %q, want %q", in, got, want)
		}
	}
}
