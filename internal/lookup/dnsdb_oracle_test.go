package lookup

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// dnsdbOracleQueries are compared with the real Exim, which resolves
// against the same zone served inside its network namespace.
var dnsdbOracleQueries = []string{
	"a=a.test", ">: a=a.test", "aaaa=a.test", "a+=a.test", ">, a+=a.test",
	"mx=mx.test", ">;,: mx=mx.test", ">; ; mx=mx.test", "mxh=mx.test",
	"txt.test", "txt=txt.test", ">\n,| txt=txt.test", ">|; txt=txt.test",
	"spf=spf.test", "srv=srv.test", ">:,/ srv=srv.test", "tlsa=tlsa.test",
	"cname=alias.test", "ns=test", "zns=x.y.test", "soa=deep.name.test",
	">:,; soa=test", "ptr=192.0.2.1", "ptr=2001:db8::1", "ptr = <; 192.0.2.1 ; 2001:db8::1",
	"a=a.test:nowhere.test:mx.test", "a=nowhere.test", "mx=a.test",
	"defer_never,a=a.test", "dnssec_never, retrans_2s, retry_1, a=a.test",
	"bogus=a.test", "defer_maybe,a=a.test", "dnssec_x,a=a.test", "retrans_x,a=a.test",
	"defer_never a=a.test", "csa=csa.test", "A=a.test", "a = a.test",
}

func TestDnsdbAgainstExim(t *testing.T) {
	if _, err := exec.LookPath("exim"); err != nil {
		t.Skip("exim not installed: no oracle")
	}
	dir := t.TempDir()
	server := filepath.Join(dir, "dnsserve")
	if out, err := exec.Command("go", "build", "-o", server, "exigo/internal/dnsx/dnstest/dnsserve").CombinedOutput(); err != nil {
		t.Fatalf("building dnsserve: %v\n%s", err, out)
	}
	zone := filepath.Join(dir, "zone")
	resolv := filepath.Join(dir, "resolv.conf")
	os.WriteFile(zone, []byte(dnsdbZone), 0o644)
	os.WriteFile(resolv, []byte("nameserver 127.0.0.1\n"), 0o644)
	script := fmt.Sprintf(`ip link set lo up
mount --bind %s /etc/resolv.conf || exit 1
%s %s 127.0.0.1:53 >/dev/null & pid=$!
sleep 0.5
exim -C "$0" -be "$@"
kill $pid`, resolv, server, zone)
	var exprs []string
	for _, q := range dnsdbOracleQueries {
		// Newlines in values would break the one-line-per-expression output.
		exprs = append(exprs, fmt.Sprintf("${lookup dnsdb{%s}{[${sg{$value}{\\n}{<NL>}}]}{NOTFOUND}}", q))
	}
	theirs := eximBeIn(t, script, []string{"-m"}, exprs)

	startDNS(t)
	spec, _ := ParseSpec("dnsdb")
	for i, q := range dnsdbOracleQueries {
		res, err := spec.Query(q)
		res.Value = strings.ReplaceAll(res.Value, "\n", "<NL>")
		if ours := beStyle(q, res, err); ours != theirs[i] {
			t.Errorf("dnsdb{%q}\n  exim:  %q\n  exigo: %q", q, theirs[i], ours)
		}
	}
}
