package acl

import (
	"strings"
	"testing"
	"time"

	"exigo/internal/conf"
	"exigo/internal/dnsx"
	"exigo/internal/dnsx/dnstest"
	"exigo/internal/expand"
	"exigo/internal/lists"
)

// startDNSList serves dnslistZone on loopback, SERVFAIL for the broken names.
func startDNSList(t *testing.T) *dnstest.Server {
	t.Helper()
	srv, err := dnstest.Start(dnslistZone, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range dnslistServFail {
		srv.SetServFail(n, true)
	}
	t.Cleanup(srv.Close)
	return srv
}

// dnslistEnv is a session for host whose resolver is srv (nil: none).
func dnslistEnv(t *testing.T, srv *dnstest.Server, cfgText, host string) (*Env, *aclTrace) {
	t.Helper()
	cfg, err := conf.Parse("test.conf", cfgText, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := NewState()
	ctx := &expand.Context{Vars: mapVars{st, map[string]string{"sender_host_address": host}}, ACL: map[string]string{}}
	ctx.Lists = &lists.Env{Named: cfg, Expand: ctx.Expand}
	if srv != nil {
		ctx.Lists.Resolver = &dnsx.Resolver{Servers: []string{srv.Addr}, Retries: 1}
	}
	tr := &aclTrace{}
	return &Env{Config: cfg, Ctx: ctx, State: st, Log: tr, Debug: tr}, tr
}

// dnslists runs "accept dnslists = arg" in the ACL for where.
func dnslists(env *Env, where Where, arg string) Outcome {
	return env.CheckText(where, "accept dnslists = "+arg, "")
}

func TestDNSListsVariables(t *testing.T) {
	env, _ := dnslistEnv(t, startDNSList(t), "", "192.0.2.5")
	if out := dnslists(env, WhereRCPT, "nope.test : txt.test,rbl.test=127.0.0.3"); out.Result != OK {
		t.Fatalf("got %v", out.Result)
	}
	want := map[string]string{"dnslist_domain": "txt.test", "dnslist_matched": "192.0.2.5",
		"dnslist_value": "127.0.0.2", "dnslist_text": "specific text"}
	for k, v := range want {
		if env.State.Vars[k] != v {
			t.Errorf("$%s = %q, want %q", k, env.State.Vars[k], v)
		}
	}
	if out := dnslists(env, WhereRCPT, "rbl.test/<;192.0.2.5;127.0.0.9"); out.Result != OK ||
		env.State.Vars["dnslist_value"] != "127.0.0.2, 127.0.0.3" || env.State.Vars["dnslist_text"] != "Listed: see" {
		t.Errorf("keyed: %v %q", out.Result, env.State.Vars)
	}
	env.State.ResetMessage()
	if _, ok := env.State.Vars["dnslist_domain"]; ok {
		t.Error("$dnslist_domain survived the message reset")
	}
	if env.State.Vars["dnslist_value"] == "" || env.State.Vars["dnslist_text"] == "" {
		t.Error("$dnslist_value and $dnslist_text should survive a message reset, as in Exim")
	}
}

func TestDNSListsTXTEscapes(t *testing.T) {
	srv := startDNSList(t)
	srv.Add(`7.0.0.127.ctl.test. 60 IN A 127.0.0.2
7.0.0.127.ctl.test. 60 IN TXT "x\007y\\z\"" "second"`)
	env, _ := dnslistEnv(t, srv, "", "127.0.0.7")
	if out := dnslists(env, WhereRCPT, "ctl.test"); out.Result != OK || env.State.Vars["dnslist_text"] != "x\ay\\z\"" {
		t.Errorf("got %v %q", out.Result, env.State.Vars["dnslist_text"])
	}
}

func TestDNSListsNoHost(t *testing.T) {
	env, tr := dnslistEnv(t, startDNSList(t), "", "")
	if out := dnslists(env, WhereRCPT, "rbl.test : dom.test/example.com"); out.Result != Fail {
		t.Errorf("local caller: %v", out.Result)
	}
	if strings.Contains(tr.buf.String(), "lookup") {
		t.Errorf("a local caller should end the condition before any lookup:\n%s", tr.buf.String())
	}
	for _, w := range []Where{WhereNotSMTP, WhereNotSMTPStart} {
		out := dnslists(env, w, "nope.test/example.com : rbl.test")
		if out.Result != Error || out.LogMsg != "cannot test auto-keyed dnslists condition in "+w.Name()+" ACL" {
			t.Errorf("%s: %v %q", w.Name(), out.Result, out.LogMsg)
		}
	}
	if out := dnslists(env, WhereNotSMTP, "dom.test/example.com"); out.Result != OK {
		t.Errorf("explicit key in non-SMTP ACL: %v %q", out.Result, out.LogMsg)
	}
}

func TestDNSListsDefer(t *testing.T) {
	cases := []struct {
		cfg, arg string
		res      Result
		log      string
	}{
		{"", "broken.test", Fail, "DNS list lookup defer (probably timeout) for 5.2.0.192.broken.test: assumed not in list"},
		{"", "+include_unknown : broken.test", OK, "DNS list lookup defer (probably timeout) for 5.2.0.192.broken.test: assumed in list"},
		{"", "+defer_unknown : broken.test : rbl.test", Defer, "DNS list lookup defer (probably timeout) for 5.2.0.192.broken.test: returned DEFER"},
		{"", "+defer_unknown : broken.test/<;192.0.2.5;127.0.0.9 : rbl.test", Defer, "returned DEFER"},
		{"", "+defer_unknown : broken.test/<;192.0.2.5;127.0.0.9 : rbl.test/<;192.0.2.5;127.0.0.9", Defer, "returned DEFER"},
		{"", "+defer_unknown : rbl.test/<;nothere;127.0.0.9 : broken.test", OK, ""},
		{"log_selector = -dnslist_defer\n", "+defer_unknown : broken.test", Defer, ""},
		{"dns_again_means_nonexist = *.broken.test\n", "+defer_unknown : broken.test", Fail, ""},
	}
	srv := startDNSList(t)
	for _, c := range cases {
		env, tr := dnslistEnv(t, srv, c.cfg, "192.0.2.5")
		out := dnslists(env, WhereRCPT, c.arg)
		logged := strings.Contains(tr.buf.String(), "LOG: DNS list lookup defer")
		if out.Result != c.res || logged != (c.log != "") || !strings.Contains(tr.buf.String(), c.log) {
			t.Errorf("%s%s: got %v, trace:\n%s", c.cfg, c.arg, out.Result, tr.buf.String())
		}
		if out.Result == Defer && out.LogMsg != "" {
			t.Errorf("%s: a DNS defer has no message, got %q", c.arg, out.LogMsg)
		}
	}
	env, tr := dnslistEnv(t, nil, "", "192.0.2.5")
	if out := dnslists(env, WhereRCPT, "+defer_unknown : rbl.test"); out.Result != Defer ||
		!strings.Contains(tr.buf.String(), "5.2.0.192.rbl.test: returned DEFER") {
		t.Errorf("no resolver: %v\n%s", out.Result, tr.buf.String())
	}
}

func TestDNSListsCache(t *testing.T) {
	srv := startDNSList(t)
	env, tr := dnslistEnv(t, srv, "", "192.0.2.6")
	if out := dnslists(env, WhereRCPT, "rbl.test"); out.Result != Fail {
		t.Fatalf("first: %v", out.Result)
	}
	srv.Add("6.2.0.192.rbl.test. 60 IN A 127.0.0.2")
	tr.buf.Reset()
	if out := dnslists(env, WhereRCPT, "rbl.test"); out.Result != Fail ||
		!strings.Contains(tr.buf.String(), "dnslists: using result of previous lookup") {
		t.Errorf("the session should reuse its negative answer: %v\n%s", out.Result, tr.buf.String())
	}
	env.State.ResetMessage() // the cache lasts for the connection
	if out := dnslists(env, WhereRCPT, "rbl.test"); out.Result != Fail {
		t.Errorf("after a message reset: %v", out.Result)
	}
	other, _ := dnslistEnv(t, srv, "", "192.0.2.6")
	if out := dnslists(other, WhereRCPT, "rbl.test"); out.Result != OK {
		t.Errorf("another session looks again: %v", out.Result)
	}
	// Positive answers live for their TTL (60s here), negative ones an hour.
	srv.SetServFail("6.2.0.192.rbl.test.", true)
	defer func(f func() time.Time) { dnslistNow = f }(dnslistNow)
	base := time.Now()
	dnslistNow = func() time.Time { return base.Add(59 * time.Second) }
	if out := dnslists(other, WhereRCPT, "rbl.test"); out.Result != OK {
		t.Errorf("within the TTL: %v", out.Result)
	}
	dnslistNow = func() time.Time { return base.Add(61 * time.Second) }
	tr2 := other.Debug.(*aclTrace)
	tr2.buf.Reset()
	if out := dnslists(other, WhereRCPT, "rbl.test"); out.Result != Fail ||
		!strings.Contains(tr2.buf.String(), ">>> cached data found but past valid time; new DNS lookup for 6.2.0.192.rbl.test") {
		t.Errorf("after the TTL: %v\n%s", out.Result, tr2.buf.String())
	}
	for _, c := range []struct {
		after time.Duration
		trace string
	}{{3590 * time.Second, "using result of previous lookup"}, {3601 * time.Second, "past valid time"}} {
		dnslistNow = func() time.Time { return base.Add(c.after) }
		tr.buf.Reset()
		dnslists(env, WhereRCPT, "rbl.test")
		if !strings.Contains(tr.buf.String(), c.trace) {
			t.Errorf("negative answer after %v:\n%s", c.after, tr.buf.String())
		}
	}
}

func TestParseDNSListItem(t *testing.T) {
	cases := []struct {
		in   string
		want dnslistItem
	}{
		{"a.b", dnslistItem{domain: "a.b", txtDomain: "a.b"}},
		{"a.b=127.0.0.2,127.0.0.3/k", dnslistItem{domain: "a.b", txtDomain: "a.b", hasIPs: true, ipList: "127.0.0.2,127.0.0.3", keys: "k", hasKeys: true}},
		{"a.b!=1.2.3.4", dnslistItem{domain: "a.b", txtDomain: "a.b", hasIPs: true, ipList: "1.2.3.4", matchType: mtNot}},
		{"a.b==1", dnslistItem{domain: "a.b", txtDomain: "a.b", hasIPs: true, ipList: "1", matchType: mtAll}},
		{"a.b!==1", dnslistItem{domain: "a.b", txtDomain: "a.b", hasIPs: true, ipList: "1", matchType: mtNot | mtAll}},
		{"a.b&0.0.0.1", dnslistItem{domain: "a.b", txtDomain: "a.b", hasIPs: true, bitmask: true, ipList: "0.0.0.1"}},
		{"a.b!&0.0.0.1", dnslistItem{domain: "a.b", txtDomain: "a.b", hasIPs: true, bitmask: true, ipList: "0.0.0.1", matchType: mtNot}},
		{"a.b=&0.0.0.1", dnslistItem{domain: "a.b", txtDomain: "a.b", hasIPs: true, bitmask: true, ipList: "0.0.0.1", matchType: mtAll}},
		{"a.b!=&0.0.0.1", dnslistItem{domain: "a.b", txtDomain: "a.b", hasIPs: true, bitmask: true, ipList: "0.0.0.1", matchType: mtNot | mtAll}},
		{"t.x,m.x=127.0.0.2/<;k=1;j", dnslistItem{domain: "m.x", txtDomain: "t.x", separate: true, hasIPs: true, ipList: "127.0.0.2", keys: "<;k=1;j", hasKeys: true}},
		{"a.b/", dnslistItem{domain: "a.b", txtDomain: "a.b", hasKeys: true}},
	}
	for _, c := range cases {
		if got := parseDNSListItem(c.in); got != c.want {
			t.Errorf("%q:\n got %+v\nwant %+v", c.in, got, c.want)
		}
	}
}

func TestInvertAddress(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.5":       "5.2.0.192",
		"010.0.0.1":       "1.0.0.10",
		"::ffff:1.2.3.4":  "4.3.2.1",
		"2001:db8::1":     "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2",
		"::FFFF:1.2.3.4":  "4.0.3.0.2.0.1.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0",
		"2001:db8::abcd:": "2001:db8::abcd:",
	} {
		if got := invertAddress(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
