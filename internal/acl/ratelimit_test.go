package acl

import (
	"errors"
	"strings"
	"testing"

	"exigo/internal/hints"
)

const rateConf = `
acl_smtp_rcpt = rcpt
acl_smtp_data = data
begin acl
rcpt:
  deny    ratelimit = 2 / 1h / per_rcpt / strict
          message = over: $sender_rate/$sender_rate_limit/$sender_rate_period
  warn    ratelimit = 1 / 1h / per_mail / key=m
  accept
data:
  warn    ratelimit = 100 / 1h / per_rcpt
  accept
`

// rateEnv is a session from host with the ratelimit database in dir.
func rateEnv(t *testing.T, dir, cfgText string, vars map[string]string) (*Env, *aclTrace) {
	t.Helper()
	env, _ := newEnv(t, cfgText, vars)
	tr := &aclTrace{}
	env.Log, env.Debug = tr, tr
	env.Hints = func(name string) (*hints.DB, error) { return hints.Open(dir, name) }
	t.Cleanup(func() { env.State.Close() })
	return env, tr
}

func TestRatelimitOverAndUnder(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"sender_host_address": "10.0.0.1"}
	env, tr := rateEnv(t, dir, rateConf, vars)
	for i, want := range []Result{OK, OK, Fail} {
		out := env.Check(WhereRCPT, "u@d")
		if out.Result != want {
			t.Fatalf("RCPT %d: %v %q", i+1, out.Result, out.LogMsg)
		}
		if want == Fail && out.UserMsg != "over: 3.0/2/1h" {
			t.Errorf("message %q", out.UserMsg)
		}
	}
	// per_mail is computed once per message, then found in the cache.
	if n := strings.Count(tr.buf.String(), "ratelimit found pre-computed rate"); n != 1 {
		t.Errorf("%d cached per_mail rates, want 1:\n%s", n, tr.buf.String())
	}
	env.State.ResetMessage()
	if _, ok := env.State.Vars["sender_rate"]; ok {
		t.Error("$sender_rate survived the message reset")
	}
	// A new connection from the same host finds the stored rate.
	env2, _ := rateEnv(t, dir, rateConf, vars)
	if out := env2.Check(WhereRCPT, "u@d"); out.Result != Fail || env2.State.Vars["sender_rate"] != "4.0" {
		t.Errorf("second connection: %v rate %q", out.Result, env2.State.Vars["sender_rate"])
	}
	// Another host has its own rate.
	env3, _ := rateEnv(t, dir, rateConf, map[string]string{"sender_host_address": "10.0.0.2"})
	if out := env3.Check(WhereRCPT, "u@d"); out.Result != OK || env3.State.Vars["sender_rate"] != "1.0" {
		t.Errorf("other host: %v rate %q", out.Result, env3.State.Vars["sender_rate"])
	}
}

func TestRatelimitInput(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"sender_host_address": "10.0.0.1", "recipients_count": "5", "message_size": "-1"}
	env, _ := rateEnv(t, dir, rateConf, vars)
	env.Check(WhereDATA, "")
	if env.State.Vars["sender_rate"] != "5.0" {
		t.Errorf("per_rcpt in DATA counts $recipients_count: %q", env.State.Vars["sender_rate"])
	}
	check := func(acl string) string {
		env.CheckText(WhereMAIL, "warn ratelimit = "+acl, "")
		return env.State.Vars["sender_rate"]
	}
	if r := check("1k / 1h / per_byte / nosize"); r != "0.0" {
		t.Errorf("per_byte without a size: %q", r)
	}
	vars["message_size"] = "300"
	if r := check("1k / 1h / per_byte / size"); r != "300.0" {
		t.Errorf("per_byte with SIZE=300: %q", r)
	}
	env.State.ResetMessage()
	for i, want := range []string{"1.0", "1.0", "2.0"} {
		rcpt := []string{"x@d", "x@d", "y@d"}[i]
		env.CheckText(WhereRCPT, "warn ratelimit = 10 / 1h / per_addr", rcpt)
		if got := env.State.Vars["sender_rate"]; got != want {
			t.Errorf("per_addr %s: %q, want %s", rcpt, got, want)
		}
	}
}

func TestRatelimitErrors(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"sender_host_address": "10.0.0.1"}
	env, _ := rateEnv(t, dir, "", vars)
	out := env.CheckText(WhereRCPT, "accept ratelimit = x / 1h", "")
	if out.Result != Error || out.LogMsg != `error in arguments to "ratelimit" condition: "x" is not a positive number` {
		t.Errorf("bad limit: %v %q", out.Result, out.LogMsg)
	}
	if env.State.Vars["sender_rate_limit"] != "x" || env.State.Vars["sender_rate_period"] != "1h" {
		t.Errorf("texts after an argument error: %q", env.State.Vars)
	}
	out = env.CheckText(WhereConnect, "accept ratelimit = 1 / 1h / per_mail / leaky", "")
	if out.Result != Error || !strings.Contains(out.LogMsg, "cannot be used in connection ACL") {
		t.Errorf("per_mail in connect: %v %q", out.Result, out.LogMsg)
	}

	env.Hints = nil
	out = env.CheckText(WhereRCPT, "accept ratelimit = 1 / 1h", "")
	if out.Result != Defer || out.LogMsg != "ratelimit database not available" {
		t.Errorf("no database: %v %q", out.Result, out.LogMsg)
	}
	if v, ok := env.State.Vars["sender_rate"]; !ok || v != "" {
		t.Errorf("$sender_rate after a database failure: %q %v", v, ok)
	}
	env2, tr := rateEnv(t, dir, "", vars)
	env2.Hints = func(string) (*hints.DB, error) { return nil, errors.New("disk on fire") }
	out = env2.CheckText(WhereRCPT, "accept ratelimit = 1 / 1h", "")
	if out.Result != Defer || !strings.Contains(tr.buf.String(), "LOG: failed to open DB file") {
		t.Errorf("open failure: %v %q\n%s", out.Result, out.LogMsg, tr.buf.String())
	}
}

func TestRatelimitCloseReleasesDB(t *testing.T) {
	dir := t.TempDir()
	opened := 0
	env, _ := rateEnv(t, dir, "", map[string]string{"sender_host_address": "10.0.0.1"})
	env.Hints = func(name string) (*hints.DB, error) { opened++; return hints.Open(dir, name) }
	for i := 0; i < 3; i++ {
		env.CheckText(WhereRCPT, "accept ratelimit = 9 / 1h / per_cmd", "")
	}
	if opened != 1 {
		t.Errorf("database opened %d times in one session", opened)
	}
	if err := env.State.Close(); err != nil || env.State.rateDB != nil {
		t.Errorf("Close: %v", err)
	}
	if err := env.State.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
