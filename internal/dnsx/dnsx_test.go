package dnsx_test

import (
	"context"
	"errors"
	"testing"

	"exigo/internal/dnsx"
	"exigo/internal/dnsx/dnstest"

	"github.com/miekg/dns"
)

func TestLookupOverLoopback(t *testing.T) {
	srv, err := dnstest.Start(`
example.test. 300 IN MX 10 mx.example.test.
mx.example.test. 300 IN A 127.0.0.7
alias.example.test. 300 IN CNAME mx.example.test.
broken.test. 300 IN A 127.0.0.9
`, "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.SetServFail("broken.test.", true)
	r := &dnsx.Resolver{Servers: []string{srv.Addr}}
	ctx := context.Background()

	a, err := r.Lookup(ctx, "example.test", dns.TypeMX)
	if err != nil || len(a.RRs) != 1 || a.RRs[0].(*dns.MX).Mx != "mx.example.test." {
		t.Fatalf("MX: %v %+v", err, a)
	}
	a, err = r.Lookup(ctx, "alias.example.test", dns.TypeA)
	if err != nil || len(a.RRs) != 2 {
		t.Fatalf("CNAME chase: %v %+v", err, a)
	}
	a, err = r.Lookup(ctx, "nowhere.test", dns.TypeA)
	if err != nil || a.Rcode != dns.RcodeNameError {
		t.Fatalf("NXDOMAIN: %v %+v", err, a)
	}
	_, err = r.Lookup(ctx, "broken.test", dns.TypeA)
	if !errors.Is(err, dnsx.ErrTemporary) {
		t.Fatalf("SERVFAIL should be temporary, got %v", err)
	}
}

func TestParseServer(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1":      "127.0.0.1:53",
		"127.0.0.1.5353": "127.0.0.1:5353",
		"127.0.0.1:5353": "127.0.0.1:5353",
		"::1":            "[::1]:53",
		"::1.5353":       "[::1]:5353",
		"[::1]:5353":     "[::1]:5353",
	} {
		got, err := dnsx.ParseServer(in)
		if err != nil || got != want {
			t.Errorf("ParseServer(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := dnsx.ParseServer("nonsense"); err == nil {
		t.Error("ParseServer(nonsense) should fail")
	}
}

func TestNoSystemResolver(t *testing.T) {
	t.Setenv(dnsx.NoSystemResolverEnv, "1")
	r := &dnsx.Resolver{}
	_, err := r.Lookup(context.Background(), "example.test", dns.TypeA)
	if !errors.Is(err, dnsx.ErrTemporary) {
		t.Fatalf("want a temporary error without servers, got %v", err)
	}
}
