package lists

import (
	"os"
	"path/filepath"
	"testing"

	"exigo/internal/dnsx"
	"exigo/internal/dnsx/dnstest"
	"exigo/internal/lookup"
)

const testZone = `
host.test. 300 IN A 10.0.0.1
multi.test. 300 IN A 10.0.0.2
multi.test. 300 IN A 10.0.0.3
v6.test. 300 IN AAAA 2001:db8::1
myhost.test. 300 IN A 10.0.0.1
1.0.0.10.in-addr.arpa. 300 IN PTR host.test.
9.0.0.10.in-addr.arpa. 300 IN PTR fake.test.
fake.test. 300 IN A 10.0.0.8
me.test. 300 IN A 127.0.0.1
other.test. 300 IN A 10.9.9.9
local.test. 300 IN MX 10 me.test.
second.test. 300 IN MX 5 other.test.
second.test. 300 IN MX 10 me.test.
none.test. 300 IN A 127.0.0.1
mxbroken.test. 300 IN MX 10 me.test.
broken.test. 300 IN A 10.0.0.1
`

// dnsEnv starts a loopback DNS server with testZone.
func dnsEnv(t *testing.T) *Env {
	t.Helper()
	srv, err := dnstest.Start(testZone, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	srv.SetServFail("broken.test.", true)
	srv.SetServFail("mxbroken.test.", true)
	return &Env{
		PrimaryHostname: "myhost.test",
		LocalIPs:        []string{"127.0.0.1", "::1"},
		Resolver:        &dnsx.Resolver{Servers: []string{srv.Addr}, Retries: 1},
		Named:           testNamed,
	}
}

func TestMatchHost(t *testing.T) {
	env := dnsEnv(t)
	dir := t.TempDir()
	names := filepath.Join(dir, "names")
	if err := os.WriteFile(names, []byte("host.test: by-name\n10.0.0.0/24: by-net\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	known := HostID{Addr: "10.0.0.1", Name: "host.test"}
	unnamed := HostID{Addr: "10.0.0.1"}
	unverified := HostID{Addr: "10.0.0.9"}
	tests := []struct {
		list    string
		host    HostID
		want    bool
		data    string
		isDefer bool
	}{
		{"host.test", unnamed, true, "", false},
		{"multi.test", HostID{Addr: "10.0.0.3"}, true, "", false},
		{"<; v6.test", HostID{Addr: "2001:db8::1"}, true, "", false},
		{"host.test", HostID{Addr: "10.0.0.5"}, false, "", false},
		{"nonexist.test", unnamed, false, "", false},
		{"nonexist.test : 10.0.0.1", unnamed, false, "", false},
		{"+include_unknown : nonexist.test", unnamed, true, "", false},
		{"+ignore_unknown : nonexist.test : 10.0.0.1", unnamed, true, "", false},
		{"+ignore_unknown : nonexist.test", unnamed, false, "", false},
		{"+ignore_unknown : !nonexist.test", unnamed, true, "", false},
		{"broken.test : 10.0.0.1", unnamed, false, "", true},
		{"+ignore_defer : broken.test : 10.0.0.1", unnamed, true, "", false},
		{"+include_defer : broken.test", HostID{Addr: "10.7.7.7"}, true, "", false},
		{"*.test", known, true, "", false},
		{"^HOST\\.", known, true, "", false},
		{"*.other", HostID{Addr: "10.0.0.1", Name: "a.test", Aliases: []string{"b.other"}}, true, "", false},
		{"lsearch;" + names, known, true, "by-name", false},
		{"net24-lsearch;" + names, unnamed, true, "by-net", false},
		{"*.test", unnamed, true, "", false}, // name found by reverse lookup
		{"*.test", unverified, false, "", false},
		{"+include_unknown : *.test", unverified, true, "", false},
		{"@", unnamed, true, "", false},
		{"@[]", HostID{Addr: "127.0.0.1"}, true, "", false},
		{":", HostID{}, true, "", false},
		{"10.0.0.1", HostID{}, false, "", false},
		{"*", HostID{}, true, "", false},
		{"!10.0.0.1", unnamed, false, "", false},
		{"!10.0.0.2", unnamed, true, "", false},
		{"+hl1", HostID{Addr: "::ffff:5.6.7.8"}, true, "", false},
		{"1.2.3", unnamed, false, "", false},
		{"+include_unknown : 1.2.3", unnamed, true, "", false},
	}
	for _, tt := range tests {
		res, err := MatchHost(env, tt.list, tt.host)
		if tt.isDefer {
			if !IsDefer(err) {
				t.Errorf("MatchHost(%q, %+v): want a defer, got %v, %+v", tt.list, tt.host, err, res)
			}
			continue
		}
		if err != nil || res.Matched != tt.want || res.Data != tt.data {
			t.Errorf("MatchHost(%q, %+v) = %+v, %v; want %v %q", tt.list, tt.host, res, err, tt.want, tt.data)
		}
	}
}

func TestMatchHostWithoutDNS(t *testing.T) {
	for _, env := range []*Env{nil, {}} {
		for list, want := range map[string]bool{
			"*.test":                              false,
			"host.test":                           false,
			"+include_unknown : host.test":        true,
			"10.0.0.0/8":                          true,
			"+ignore_unknown : *.test : 10.0.0.1": true,
		} {
			res, err := MatchHost(env, list, HostID{Addr: "10.0.0.1"})
			if err != nil || res.Matched != want {
				t.Errorf("env %v: MatchHost(%q) = %+v, %v; want %v", env, list, res, err, want)
			}
		}
	}
}

func TestMXItems(t *testing.T) {
	env := dnsEnv(t)
	tests := []struct {
		domain, list string
		want         bool
	}{
		{"local.test", "@mx_any", true},
		{"local.test", "@mx_primary", true},
		{"local.test", "@mx_secondary", false},
		{"second.test", "@mx_any", true},
		{"second.test", "@MX_Primary", false},
		{"second.test", "@mx_secondary", true},
		{"none.test", "@mx_any", false},
		{"nowhere.test", "@mx_any", false},
		{"local.test", "@mx_any/ignore=127.0.0.1", false},
		{"local.test", "@mx_any/ignore=<;10.0.0.1;::1", true},
		{"second.test", "<? @mx_any/ignore=<;127.0.0.0/8;::1", false},
		{"local.test", "!@mx_any", false},
	}
	for _, tt := range tests {
		res, err := MatchDomain(env, tt.list, tt.domain)
		if err != nil || res.Matched != tt.want {
			t.Errorf("MatchDomain(%q, %q) = %+v, %v; want %v", tt.list, tt.domain, res, err, tt.want)
		}
	}
	if _, err := MatchDomain(env, "@mx_any", "mxbroken.test"); !IsDefer(err) || err.Error() != `DNS lookup of "mxbroken.test" deferred` {
		t.Errorf("SERVFAIL: want a defer, got %v", err)
	}
	res, err := MatchAddress(env, "*@@mx_primary", "u@local.test", true)
	if err != nil || !res.Matched || res.Data != "*@@mx_primary" {
		t.Errorf("*@@mx_primary: %+v, %v", res, err)
	}
}

func TestQueryLookups(t *testing.T) {
	env := dnsEnv(t)
	old := dnsx.Default()
	dnsx.SetDefault(env.Resolver)
	t.Cleanup(func() { dnsx.SetDefault(old) })
	lookup.Tidy()

	res, err := MatchDomain(env, "x.y : dnsdb;a=host.test", "anything")
	if err != nil || !res.Matched || res.Data != "10.0.0.1" {
		t.Errorf("dnsdb in a domain list: %+v, %v", res, err)
	}
	res, err = MatchDomain(env, "dnsdb;a=nowhere.test", "anything")
	if err != nil || res.Matched {
		t.Errorf("dnsdb not found: %+v, %v", res, err)
	}
	if _, err = MatchDomain(env, "dnsdb;a=broken.test", "anything"); !IsDefer(err) {
		t.Errorf("dnsdb SERVFAIL: want a defer, got %v", err)
	}
	// A query-style lookup in a host list needs no host name.
	res, err = MatchHost(env, "dnsdb;a=multi.test", HostID{Addr: "10.0.0.77"})
	if err != nil || !res.Matched || res.Data == "" {
		t.Errorf("dnsdb in a host list: %+v, %v", res, err)
	}
	res, err = MatchAddress(env, "dnsdb;a=host.test", "", true)
	if err != nil || !res.Matched {
		t.Errorf("dnsdb for the empty address: %+v, %v", res, err)
	}
}
