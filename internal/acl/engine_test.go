package acl

import (
	"strings"
	"testing"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/lists"
)

type mapVars struct {
	st   *State
	vars map[string]string
}

func (m mapVars) Var(name string) (string, bool, bool) {
	if v, ok := m.st.Vars[name]; ok {
		return v, false, true
	}
	v, ok := m.vars[name]
	return v, false, ok
}

type memLog struct{ main, reject, panic []string }

func (l *memLog) Main(s string)   { l.main = append(l.main, s) }
func (l *memLog) Reject(s string) { l.reject = append(l.reject, s) }
func (l *memLog) Panic(s string)  { l.panic = append(l.panic, s) }

func newEnv(t *testing.T, cfgText string, vars map[string]string) (*Env, *memLog) {
	t.Helper()
	cfg, err := conf.Parse("test.conf", cfgText, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := NewState()
	ctx := &expand.Context{Vars: mapVars{st, vars}}
	ctx.Lists = &lists.Env{Named: cfg, PrimaryHostname: "myhost.test.ex", Expand: ctx.Expand}
	log := &memLog{}
	env := &Env{Config: cfg, Ctx: ctx, State: st, Log: log, HostIdent: func() string { return "H=(x) [10.0.0.1]" }}
	return env, log
}

const testConf = `
domainlist local_domains = @ : localhost
acl_smtp_rcpt = rcpt
acl_smtp_mail = accept
begin acl
rcpt:
  warn    log_message = seen $local_part
  deny    local_parts = bad
          message = go away\nnow
  defer   local_parts = later
          message = try later
  discard local_parts = disc
  drop    local_parts = dropme
  accept  local_parts = endp
          endpass
          condition = no
  require message = need $local_part
          local_parts = !req
  accept  domains = +local_domains
          set acl_m_x = $domain
          add_header = X-Test: $local_part
          control = caseful_local_part
          message = 250 fine $local_part
  deny
`

func TestVerbs(t *testing.T) {
	env, log := newEnv(t, testConf, map[string]string{"sender_host_address": "10.0.0.1"})
	cases := []struct {
		rcpt    string
		res     Result
		user    string
		logMsg  string
		tempDet bool
	}{
		{"bad@localhost", Fail, "go away\nnow", "go away\nnow", false},
		{"later@localhost", Defer, "try later", "try later", true},
		{"disc@localhost", Discard, "", "", false},
		{"dropme@localhost", FailDrop, "", "", false},
		{"endp@localhost", Fail, "", "", false},
		{"req@localhost", Fail, "need req", "need req", false},
		{"Ok@localhost", OK, "250 fine Ok", "250 fine Ok", false},
		{"x@other.example", Fail, "", "", false},
	}
	for _, c := range cases {
		out := env.Check(WhereRCPT, c.rcpt)
		if out.Result != c.res || out.UserMsg != c.user || out.LogMsg != c.logMsg || out.TempDetails != c.tempDet {
			t.Errorf("%s: got %v %q %q %v, want %v %q %q", c.rcpt, out.Result, out.UserMsg, out.LogMsg, out.TempDetails, c.res, c.user, c.logMsg)
		}
	}
	if env.Ctx.ACL["acl_m_x"] != "localhost" {
		t.Errorf("acl_m_x = %q", env.Ctx.ACL["acl_m_x"])
	}
	if h := env.State.HeadersAdded(); h != "X-Test: ok" {
		t.Errorf("headers added %q", h)
	}
	// warn logs each distinct text once per message, host in front
	env.Check(WhereRCPT, "bad@localhost")
	if len(log.main) != 8 || log.main[0] != "H=(x) [10.0.0.1] Warning: seen bad" {
		t.Errorf("main log %q", log.main)
	}
	if _, ok := env.State.Vars["local_part"]; ok {
		t.Error("$local_part left set after the RCPT ACL")
	}
}

func TestDefaultsAndInline(t *testing.T) {
	env, _ := newEnv(t, "acl_smtp_vrfy = accept\n", nil)
	if out := env.Check(WhereRCPT, "a@b"); out.Result != Fail {
		t.Errorf("unset RCPT ACL: %v", out.Result)
	}
	if out := env.Check(WhereMAIL, ""); out.Result != OK {
		t.Errorf("unset MAIL ACL: %v", out.Result)
	}
	if out := env.Check(WhereVRFY, "a@b"); out.Result != OK {
		t.Errorf("inline accept: %v", out.Result)
	}
	out := env.CheckText(WhereMAIL, "frobnicate", "")
	if out.Result != Error || !strings.Contains(out.LogMsg, "unknown ACL verb") {
		t.Errorf("bad inline ACL: %v %q", out.Result, out.LogMsg)
	}
}

func TestNestedACLArgs(t *testing.T) {
	env, _ := newEnv(t, `
acl_smtp_mail = outer
begin acl
outer:
  accept acl = inner ${uc:a} b
  deny   message = inner said no ($acl_narg)
inner:
  accept condition = ${if and{{eq{$acl_arg1}{A}}{eq{$acl_narg}{2}}}}
  deny
`, nil)
	if out := env.Check(WhereMAIL, ""); out.Result != OK {
		t.Errorf("nested: %v %q", out.Result, out.LogMsg)
	}
	if env.State.Vars["acl_narg"] != "" {
		t.Errorf("acl_narg not restored: %q", env.State.Vars["acl_narg"])
	}
}

func TestModifiers(t *testing.T) {
	env, log := newEnv(t, `
acl_smtp_data = data
begin acl
data:
  warn logwrite = :main,reject: both logs
  warn add_header = :at_start:X-A: 1\nnot a header\nX-B: two\n  folded
       remove_header = x-old : X-Older
  deny log_reject_target = reject
       delay = 0s
       message = 550 5.7.1 no
       log_message = logged
`, nil)
	out := env.Check(WhereDATA, "")
	if out.Result != Fail || out.UserMsg != "550 5.7.1 no" || out.LogMsg != "logged" {
		t.Fatalf("got %+v", out)
	}
	if out.LogsTo("main") || !out.LogsTo("reject") {
		t.Errorf("reject target %v", out.RejectTarget)
	}
	if len(log.main) != 1 || len(log.reject) != 1 || log.main[0] != "both logs" {
		t.Errorf("logwrite: %q %q", log.main, log.reject)
	}
	want := []AddedHeader{{"X-A: 1\n", "at_start"}, {"X-ACL-Warn: not a header\n", ""}, {"X-B: two\n  folded\n", ""}}
	if len(env.State.AddHeaders) != 3 {
		t.Fatalf("added %q", env.State.AddHeaders)
	}
	for i, h := range want {
		if env.State.AddHeaders[i] != h {
			t.Errorf("header %d: %q want %q", i, env.State.AddHeaders[i], h)
		}
	}
	if strings.Join(env.State.RemoveHeaders, ",") != "x-old,X-Older" {
		t.Errorf("remove %q", env.State.RemoveHeaders)
	}
}

func TestControlPlacement(t *testing.T) {
	env, _ := newEnv(t, "acl_smtp_helo = warn control = submission\n", nil)
	out := env.Check(WhereHELO, "")
	if out.Result != Error || out.LogMsg != `cannot use "control=submission" in EHLO or HELO ACL` {
		t.Errorf("got %v %q", out.Result, out.LogMsg)
	}
}

func TestQuitMayNotFail(t *testing.T) {
	env, _ := newEnv(t, "acl_smtp_quit = deny\n", nil)
	if out := env.Check(WhereQuit, ""); out.Result != Error {
		t.Errorf("got %v", out.Result)
	}
}
