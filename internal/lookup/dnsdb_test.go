package lookup

import (
	"testing"

	"exigo/internal/dnsx"
	"exigo/internal/dnsx/dnstest"
)

const dnsdbZone = `
a.test.         300 IN A     192.0.2.1
a.test.         300 IN A     192.0.2.2
a.test.         300 IN AAAA  2001:db8::1
mx.test.        300 IN MX    10 mail1.test.
mx.test.        300 IN MX    20 mail2.test.
txt.test.       300 IN TXT   "v=spf1" " -all"
txt.test.       300 IN TXT   "second \"quoted\""
spf.test.       300 IN SPF   "v=spf1" " +all"
srv.test.       300 IN SRV   1 2 25 target.test.
tlsa.test.      300 IN TLSA  3 1 1 ABCDEF0123
alias.test.     300 IN CNAME a.test.
test.           300 IN NS    ns1.test.
test.           300 IN SOA   ns1.test. hostmaster.test. 2024010101 3600 600 86400 300
1.2.0.192.in-addr.arpa. 300 IN PTR a.test.
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 300 IN PTR six.test.
_client._smtp.csa.test. 300 IN SRV 1 2 0 csa.test.
broken.test.    300 IN A     192.0.2.99
`

func startDNS(t *testing.T) *dnstest.Server {
	t.Helper()
	srv, err := dnstest.Start(dnsdbZone, "")
	if err != nil {
		t.Fatal(err)
	}
	srv.SetServFail("broken.test.", true)
	old := dnsx.Default()
	dnsx.SetDefault(&dnsx.Resolver{Servers: []string{srv.Addr}, Retries: 1})
	t.Cleanup(func() { dnsx.SetDefault(old); srv.Close(); Tidy() })
	return srv
}

func TestDnsdb(t *testing.T) {
	startDNS(t)
	spec, err := ParseSpec("dnsdb")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, want string }{
		{"a=a.test", "192.0.2.1\n192.0.2.2"},
		{">: a=a.test", "192.0.2.1:192.0.2.2"},
		{"aaaa=a.test", "2001:db8::1"},
		{"a+=a.test", "2001:db8::1\n192.0.2.1\n192.0.2.2"},
		{"mx=mx.test", "10 mail1.test\n20 mail2.test"},
		{">;,: mx=mx.test", "10:mail1.test;20:mail2.test"},
		{"mxh=mx.test", "mail1.test\nmail2.test"},
		{"txt.test", "v=spf1\nsecond \"quoted\""},
		{">\n,| txt=txt.test", "v=spf1| -all\nsecond \"quoted\""},
		{">\n; txt=txt.test", "v=spf1 -all\nsecond \"quoted\""},
		{"spf=spf.test", "v=spf1 +all"},
		{"srv=srv.test", "1 2 25 target.test"},
		{"tlsa=tlsa.test", "3 1 1 abcdef0123"},
		{"cname=alias.test", "a.test"},
		{"ns=test", "ns1.test"},
		{"zns=x.y.test", "ns1.test"},
		{"soa=deep.name.test", "ns1.test"},
		{">:,; soa=test", "ns1.test;hostmaster.test;2024010101;3600;600;86400;300"},
		{"ptr=192.0.2.1", "a.test"},
		{"ptr=2001:db8::1", "six.test"},
		{"ptr = <; 192.0.2.1 ; 2001:db8::1", "a.test\nsix.test"},
		{"a=a.test:nowhere.test:mx.test", "192.0.2.1\n192.0.2.2"},
		{"csa=csa.test", "Y csa.test"},
		{"csa=sub.csa.test", "? csa.test"},
		{"defer_never,a=broken.test:a.test", "192.0.2.1\n192.0.2.2"},
		{"defer_lax,a=broken.test:a.test", "192.0.2.1\n192.0.2.2"},
		{"dnssec_never, retrans_2s, retry_1, a=a.test", "192.0.2.1\n192.0.2.2"},
	} {
		res, err := spec.Query(tc.query)
		if err != nil || !res.Found || res.Value != tc.want {
			t.Errorf("dnsdb{%s} = %q (found %v, err %v), want %q", tc.query, res.Value, res.Found, err, tc.want)
		}
	}
}

func TestDnsdbFailures(t *testing.T) {
	startDNS(t)
	spec, _ := ParseSpec("dnsdb")
	for _, tc := range []struct {
		query, deferMsg string
		isDefer         bool
	}{
		{"a=nowhere.test", "", false},
		{"mx=a.test", "", false},
		{"defer_never,a=broken.test", "", false},
		{"a=broken.test", "", true},
		{"defer_strict,a=a.test:broken.test", "", true},
		{"dnssec_strict,a=a.test", "", true},
		{"bogus=a.test", "unsupported DNS record type", true},
		{"defer_maybe,a=a.test", "unsupported dnsdb defer behaviour", true},
		{"dnssec_x,a=a.test", "unsupported dnsdb dnssec behaviour", true},
		{"retrans_x,a=a.test", "unsupported dnsdb timeout value", true},
		{"defer_never a=a.test", "dnsdb modifier syntax error", true},
	} {
		res, err := spec.Query(tc.query)
		if IsDefer(err) != tc.isDefer || res.Found || (err != nil && err.Error() != tc.deferMsg) {
			t.Errorf("dnsdb{%s}: found %v err %v; want defer %v %q", tc.query, res.Found, err, tc.isDefer, tc.deferMsg)
		}
	}
}

func TestDnsdbDNSSECVariable(t *testing.T) {
	srv := startDNS(t)
	srv.SetAD("a.test.", true)
	spec, _ := ParseSpec("dnsdb")
	for _, tc := range []struct{ query, want string }{
		{"a=a.test", "yes"},
		{"a=mx.test", ""}, // nothing found
		{"dnssec_never,a=a.test", ""},
		{"mx=mx.test", "no"},
	} {
		res, err := spec.Query(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		if tc.want != "" && res.DNSSEC != tc.want || tc.query == "dnssec_never,a=a.test" && res.DNSSEC != "" {
			t.Errorf("dnsdb{%s}: DNSSEC %q, want %q", tc.query, res.DNSSEC, tc.want)
		}
	}
	res, err := spec.Query("dnssec_strict,a=a.test")
	if err != nil || res.Value != "192.0.2.1\n192.0.2.2" {
		t.Errorf("dnssec_strict with AD: %+v %v", res, err)
	}
}

func TestDnsdbCachedUntilTidy(t *testing.T) {
	srv := startDNS(t)
	spec, _ := ParseSpec("dnsdb")
	if res, _ := spec.Query("a=new.test"); res.Found {
		t.Fatal("new.test should not exist yet")
	}
	srv.Add("new.test. 300 IN A 192.0.2.50")
	if res, _ := spec.Query("a=new.test"); res.Found {
		t.Error("the failed lookup should have been cached")
	}
	nord, _ := ParseSpec("dnsdb,cache=no_rd")
	if res, _ := nord.Query("a=new.test"); !res.Found {
		t.Error("cache=no_rd should look again")
	}
	Tidy()
	if res, _ := spec.Query("a=new.test"); res.Value != "192.0.2.50" {
		t.Errorf("after Tidy: %+v", res)
	}
}
