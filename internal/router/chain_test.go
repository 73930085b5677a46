package router

import (
	"fmt"
	"strings"
	"testing"

	"exigo/internal/conf"
	"exigo/internal/dnsx"
	"exigo/internal/dnsx/dnstest"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/lists"
)

const testZone = `
$ORIGIN test.ex.
mx1    IN A  192.0.2.11
mx2    IN A  192.0.2.12
self   IN A  127.0.0.1
mxdom  IN MX 10 mx1.test.ex.
secmx  IN MX 5 mx1.test.ex.
secmx  IN MX 10 self.test.ex.
secmx  IN MX 20 mx2.test.ex.
`

// fakeUsers is a password file for tests.
type fakeUsers map[string]*User

func (f fakeUsers) User(name string) (*User, bool) { u, ok := f[name]; return u, ok }
func (f fakeUsers) Group(name string) (int, bool) {
	if name == "staff" {
		return 50, true
	}
	return 0, false
}

// testEnv reads a configuration (routers and transports) and serves the
// test zone; logged lines collect in *logs.
func testEnv(t testing.TB, text string, logs *[]string) *Env {
	t.Helper()
	cfg, err := conf.Parse("test.conf", "primary_hostname = myhost.test.ex\nqualify_domain = test.ex\n"+text, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := dnstest.Start(testZone, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	res := &dnsx.Resolver{Servers: []string{srv.Addr}}
	ctx := &expand.Context{}
	ctx.Lists = &lists.Env{Named: cfg, PrimaryHostname: "myhost.test.ex", Resolver: res, Expand: ctx.Expand}
	log := func(line string) {
		if logs != nil {
			*logs = append(*logs, line)
		}
	}
	return &Env{Config: cfg, Ctx: ctx, Resolver: res, Test: true, Recipient: true, Log: log,
		Users:    fakeUsers{"joe": {Name: "joe", UID: 1000, GID: 100, Home: "/home/joe"}},
		LocalIPs: []string{"127.0.0.1"}}
}

const transports = `
begin transports
t:
  driver = pipe
  command = /bin/cat
smtp:
  driver = smtp
`

func TestRouteAcceptLocalUser(t *testing.T) {
	env := testEnv(t, "begin routers\nr:\n  driver = accept\n  check_local_user\n  transport = t\n"+transports, nil)
	a := item.New("Joe@test.ex")
	res, kids, err := Route(env, a)
	if err != nil || res != item.OK || len(kids) != 0 {
		t.Fatalf("res %v kids %v err %v", res, kids, err)
	}
	if a.Router != "r" || a.Transport != "t" || a.UID != 1000 || a.GID != 100 || a.Home != "/home/joe" || a.LocalPart != "joe" {
		t.Errorf("routed as %+v", a)
	}
	b := item.New("nobody@test.ex")
	if res, _, _ := Route(env, b); res != item.Fail || b.Message != "Unrouteable address" {
		t.Errorf("unknown user: %v %q", res, b.Message)
	}
}

func TestRouteUnseen(t *testing.T) {
	env := testEnv(t, "begin routers\nfirst:\n  driver = accept\n  unseen\n  transport = t\nsecond:\n  driver = accept\n  transport = t\n"+transports, nil)
	a := item.New("x@test.ex")
	res, kids, _ := Route(env, a)
	if res != item.OK || len(kids) != 1 {
		t.Fatalf("res %v kids %v", res, kids)
	}
	c := kids[0]
	if c.StartRouter != "second" || c.Parent != a.Parent || a.Parent == nil || a.Parent.Address != "x@test.ex" {
		t.Errorf("copy %+v, parent %+v", c, a.Parent)
	}
	if a.Unique != "x@test.ex/first" {
		t.Errorf("unique %q", a.Unique)
	}
}

func TestRouteRedirect(t *testing.T) {
	env := testEnv(t, `begin routers
alias:
  driver = redirect
  data = a@test.ex, |/bin/prog, /tmp/file
  redirect_router = last
  pipe_transport = t
  forbid_file
  file_transport = t
skipped:
  driver = accept
  transport = t
last:
  driver = accept
  transport = t
`+transports, nil)
	a := item.New("list@test.ex")
	res, kids, _ := Route(env, a)
	if res != item.OK || a.Transport != "" || len(kids) != 3 {
		t.Fatalf("res %v transport %q kids %v", res, a.Transport, kids)
	}
	if kids[0].StartRouter != "last" || kids[0].Parent != a {
		t.Errorf("child %+v", kids[0])
	}
	if p := kids[1]; p.Pipe != "|/bin/prog" || p.Transport != "t" || p.Router != "alias" || p.Forbidden {
		t.Errorf("pipe %+v", p)
	}
	if f := kids[2]; f.File != "/tmp/file" || !f.Forbidden {
		t.Errorf("file %+v", f)
	}
	res, _, _ = Route(env, kids[0])
	if res != item.OK || kids[0].Router != "last" {
		t.Errorf("child routed by %q", kids[0].Router)
	}
}

func TestRouteLoopLimit(t *testing.T) {
	var logs []string
	env := testEnv(t, "begin routers\nr:\n  driver = accept\n  transport = t\n"+transports, &logs)
	a := item.New("x0@test.ex")
	for i := 1; i <= 102; i++ {
		a = a.Child("x" + strings.Repeat("y", i) + "@test.ex")
		a.Parent.Router = "elsewhere"
	}
	res, _, _ := Route(env, a)
	if res != item.Defer || len(logs) != 1 || !strings.HasPrefix(logs[0], "routing loop for x") {
		t.Errorf("res %v logs %q", res, logs)
	}
}

func TestTranslateIPAddress(t *testing.T) {
	env := testEnv(t, `begin routers
r:
  driver = manualroute
  route_list = * 192.0.2.1:192.0.2.2
  translate_ip_address = ${if eq{$host_address}{192.0.2.1}{192.0.2.99}{mx2.test.ex}}
  transport = smtp
`+transports, nil)
	a := item.New("x@y.test")
	if res, _, _ := Route(env, a); res != item.OK {
		t.Fatalf("res %v %q", res, a.Message)
	}
	if len(a.Hosts) != 2 || a.Hosts[0].Address != "192.0.2.99" || a.Hosts[1].Name != "mx2.test.ex" || a.Hosts[1].Address != "192.0.2.12" {
		t.Errorf("hosts %+v", a.Hosts)
	}
}

func TestSecondaryMXRemovesThisHost(t *testing.T) {
	env := testEnv(t, "begin routers\nr:\n  driver = dnslookup\n  check_secondary_mx\n  transport = smtp\n"+transports, nil)
	a := item.New("x@secmx.test.ex")
	if res, _, _ := Route(env, a); res != item.OK || len(a.Hosts) != 1 || a.Hosts[0].Name != "mx1.test.ex" {
		t.Errorf("res %v hosts %+v", res, a.Hosts)
	}
	b := item.New("x@mxdom.test.ex")
	if res, _, _ := Route(env, b); res != item.Fail {
		t.Errorf("not a secondary MX: %v", res)
	}
}

func TestVerifyModes(t *testing.T) {
	env := testEnv(t, `begin routers
vonly:
  driver = accept
  local_parts = vonly
  verify_only
failv:
  driver = accept
  local_parts = failv
  fail_verify_recipient
  transport = t
local:
  driver = accept
  domains = test.ex
  local_parts = ! nobody
  transport = t
`+transports, nil)
	env.Test = false
	env.Verify = true
	for addr, want := range map[string]item.Result{
		"vonly@test.ex": item.OK, "failv@test.ex": item.Fail, "x@test.ex": item.OK,
		"nobody@test.ex": item.Fail, "unqualified": item.OK,
	} {
		if res := Walk(env, addr, WalkOptions{Qualify: true}); res.Status != want {
			t.Errorf("%s: %v, want %v (%q)", addr, res.Status, want, res.Top.Message)
		}
	}
	if res := Walk(env, "unqualified", WalkOptions{}); !res.NoDomain || res.Status != item.Fail {
		t.Errorf("unqualified without Qualify: %+v", res)
	}
}

func TestCheck(t *testing.T) {
	for conf, want := range map[string]string{
		"begin routers\nr:\n  driver = accept\n":                                                        "Exim configuration error:\n  r router:\n  a transport is required for this router",
		"begin routers\nr:\n  driver = accept\n  verify_only\n":                                         "",
		"begin routers\nr:\n  driver = accept\n  transport = t\n  self = bogus\n" + transports:          "Exim configuration error for r router:\n  bogus is not valid for the self option",
		"begin routers\nr:\n  driver = redirect\n  data = x\n  redirect_router = nosuch\n" + transports: "Exim configuration error:\n  new_router \"nosuch\" not found for \"r\" router",
		"begin routers\nr:\n  driver = redirect\n  file = /x\n  data = y\n":                             "Exim configuration error for r router:\n  only one of \"file\" or \"data\" must be specified",
	} {
		env := testEnv(t, conf, nil)
		err := Check(env.Config)
		if got := fmt.Sprint(err); err == nil && want != "" || err != nil && got != want {
			t.Errorf("%q: got %v, want %q", conf, err, want)
		}
	}
}

func TestRetryUseLocalPart(t *testing.T) {
	env := testEnv(t, "begin routers\na:\n  driver = accept\n  check_local_user\n  transport = t\nb:\n  driver = accept\n  transport = t\nc:\n  driver = accept\n  check_local_user\n  no_retry_use_local_part\n  transport = t\n"+transports, nil)
	for name, want := range map[string]bool{"a": true, "b": false, "c": false} {
		if got := RetryUseLocalPart(env.Config.Router(name)); got != want {
			t.Errorf("%s: %v", name, got)
		}
	}
}

func TestLocalIPsKeptAcrossRouters(t *testing.T) {
	env := testEnv(t, `begin routers
r:
  driver = manualroute
  route_list = * mx1.test.ex
  transport = smtp
`+transports, nil)
	env.LocalIPs = nil
	a := item.New("x@mxdom.test.ex")
	if res, _, _ := Route(env, a); res != item.OK {
		t.Fatalf("res %v %q", res, a.Message)
	}
	if env.LocalIPs == nil {
		t.Error("the interface list found while routing was dropped")
	}
}

// Exim 4.96 expands percent_hack_domains (a "domain list&!!"): with
// percent_hack_domains = ${if eq{1}{1}{example.com}{}}, -bt
// 'a%b.example@example.com' routes a@b.example.
func TestPercentHackDomainsExpanded(t *testing.T) {
	env := testEnv(t, "percent_hack_domains = ${if eq{1}{1}{example.com}{}}\n"+`begin routers
r:
  driver = accept
  transport = t
`+transports, nil)
	a := item.New("a%b.example@example.com")
	if res, _, _ := Route(env, a); res != item.OK || a.Address != "a@b.example" || a.Parent == nil {
		t.Errorf("res %v address %q message %q", res, a.Address, a.Message)
	}
}
