package acl

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"exigo/internal/conf"
	"exigo/internal/dnsx"
	"exigo/internal/expand"
	"exigo/internal/lists"
)

// dnslistZone is served to both Exim and exigo. Names under broken.test
// answer SERVFAIL (dnslistServFail).
var dnslistZone = `
5.2.0.192.rbl.test.    300 IN A 127.0.0.2
5.2.0.192.rbl.test.    300 IN A 127.0.0.3
5.2.0.192.rbl.test.    300 IN TXT "Listed: see" " http://x"
5.2.0.192.rbl.test.    300 IN TXT "other"
9.0.0.127.rbl.test.    300 IN A 127.0.0.7
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.rbl.test. 300 IN A 127.0.0.5
5.2.0.192.bad.test.    300 IN A 10.0.0.1
5.2.0.192.mixed.test.  300 IN A 10.0.0.1
5.2.0.192.mixed.test.  300 IN A 127.0.0.4
example.com.dom.test.  120 IN A 127.0.0.9
5.2.0.192.dom.test.    300 IN A 127.0.0.8
5.2.0.192.multi.test.  300 IN A 127.0.0.10
5.2.0.192.txt.test.    300 IN A 127.0.0.2
5.2.0.192.txt.test.    300 IN TXT "specific text"
5.2.0.192.esc.test.    300 IN A 127.0.0.2
5.2.0.192.esc.test.    300 IN TXT "a\"b\\c\100d"
5.2.0.192.cname.test.  300 IN CNAME 5.2.0.192.rbl.test.
5.2.0.192.dangle.test. 300 IN CNAME nothing.test.
5.2.0.192.hole.test.   300 IN TXT "no address here"
`

var dnslistServFail = []string{
	"5.2.0.192.broken.test.", "9.0.0.127.broken.test.", "xx.broken.test.",
}

// longList is a DNS list domain that makes the query 256 characters or more.
var longList = strings.Repeat("a123456789.", 23) + "test"

// dnslistStatements are the connect ACL of the comparison: each warn
// logs the variables when its dnslists condition is true.
var dnslistStatements = []string{
	"rbl.test",
	"bad.test : mixed.test",
	"+defer_unknown : broken.test",
	"+include_unknown : broken.test",
	"dom.test/example.com",
	"txt.test,multi.test=127.0.0.10",
	"rbl.test==127.0.0.2",
	"+foo : we!rd.test",
	"+DEFER_UNKNOWN : broken.test/<;192.0.2.5;xx : rbl.test/<;nothere;192.0.2.5",
	"<, rbl.test/<;2001:db8::1;nothere",
	"rbl.test!=127.0.0.2",
	"rbl.test!==127.0.0.2",
	"rbl.test&0.0.0.2",
	"rbl.test!&0.0.0.1",
	"rbl.test=&0.0.0.2",
	"rbl.test!=&0.0.0.2",
	"rbl.test=127.0.0.9,127.0.0.3",
	"mixed.test&0.0.0.4",
	"bad.test=10.0.0.1",
	"rbl.test/",
	"rbl.test/<;;127.0.0.9",
	"+defer_unknown : broken.test/<;192.0.2.5;127.0.0.9",
	"+include_unknown : broken.test/<;nothere;192.0.2.5",
	"esc.test",
	"cname.test : dangle.test : hole.test",
	"dangle.test : hole.test",
	longList,
	"rbl.test,rbl.test=127.0.0.3",
	"nope.test=127.0.0.9 : : dom.test",
	"dom.test/$sender_host_address",
	"+exclude_unknown : broken.test : rbl.test=127.0.0.9",
	"txt.test,rbl.test&0.0.0.2",
}

// dnslistHosts are the calling hosts the ACL runs for, and
// $sender_host_address as exim -bh sets it for them.
var (
	dnslistHosts     = []string{"192.0.2.5", "2001:db8::1"}
	dnslistHostsVars = []string{"192.0.2.5", "2001:0db8:0000:0000:0000:0000:0000:0001"}
)

func dnslistOracleConfig(dir string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "primary_hostname = myhost.test.ex\nspool_directory = %s/spool\n", dir)
	fmt.Fprintf(&b, "log_file_path = %s/%%slog\nexim_user = root\nexim_group = root\nkeep_environment =\n", dir)
	b.WriteString("acl_smtp_connect = conn\nbegin acl\nconn:\n")
	for i, s := range dnslistStatements {
		fmt.Fprintf(&b, "  warn dnslists = %s\n", s)
		fmt.Fprintf(&b, "       log_message = S%d $dnslist_domain|$dnslist_value|$dnslist_text|$dnslist_matched\n", i)
	}
	b.WriteString("  accept\n")
	return b.String()
}

// aclTrace keeps the ">>> " debug lines and "LOG: " lines in the order
// they come, as exim -bh shows them.
type aclTrace struct{ buf bytes.Buffer }

func (a *aclTrace) Write(p []byte) (int, error) { return a.buf.Write(p) }
func (a *aclTrace) Main(s string)               { fmt.Fprintf(&a.buf, "LOG: %s\n", s) }
func (a *aclTrace) Reject(s string)             { fmt.Fprintf(&a.buf, "LOG: %s\n", s) }
func (a *aclTrace) Panic(s string)              { fmt.Fprintf(&a.buf, "LOG: %s\n", s) }

// aclPart is the trace from "using ACL" to "end of ACL", with cache TTLs
// rounded (a second may tick between the lookup and the trace line).
func aclPart(out string) []string {
	var lines []string
	in := false
	ttl := regexp.MustCompile(`ttl=(299|3599)$`)
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, ">>> using ACL") {
			in = true
		}
		if !in || !(strings.HasPrefix(l, ">>> ") || strings.HasPrefix(l, "LOG: ")) {
			continue
		}
		l = ttl.ReplaceAllStringFunc(l, func(s string) string {
			return map[string]string{"ttl=299": "ttl=300", "ttl=3599": "ttl=3600"}[s]
		})
		lines = append(lines, l)
		if strings.HasPrefix(l, ">>> end of ACL") {
			break
		}
	}
	return lines
}

// runEximDNSLists runs exim -bh for each host in a network and mount
// namespace where /etc/resolv.conf points at dnsserve on 127.0.0.1:53.
func runEximDNSLists(t *testing.T, dir, confPath string) [][]string {
	if _, err := os.Stat("/usr/sbin/exim4"); err != nil {
		t.Skip("/usr/sbin/exim4 not installed: no Exim to compare with")
	}
	server := filepath.Join(dir, "dnsserve")
	if out, err := exec.Command("go", "build", "-o", server, "exigo/internal/dnsx/dnstest/dnsserve").CombinedOutput(); err != nil {
		t.Fatalf("building dnsserve: %v\n%s", err, out)
	}
	zone, resolv := filepath.Join(dir, "zone"), filepath.Join(dir, "resolv.conf")
	os.WriteFile(zone, []byte(dnslistZone), 0o644)
	os.WriteFile(resolv, []byte("nameserver 127.0.0.1\n"), 0o644)
	var runs strings.Builder
	for _, h := range dnslistHosts {
		fmt.Fprintf(&runs, "printf 'QUIT\\r\\n' | /usr/sbin/exim4 -C %s -bh %s 2>&1\necho '=== END'\n", confPath, h)
	}
	script := fmt.Sprintf(`ip link set lo up
mount --bind %s /etc/resolv.conf || exit 1
%s %s 127.0.0.1:53 %s >/dev/null & pid=$!
sleep 0.5
%s
kill $pid`, resolv, server, zone, strings.Join(dnslistServFail, " "), runs.String())
	out, err := exec.Command("unshare", "-n", "-m", "sh", "-c", script).CombinedOutput()
	if err != nil && !strings.Contains(string(out), "=== END") {
		t.Skipf("cannot run exim in a network namespace: %v\n%s", err, out)
	}
	var res [][]string
	for _, part := range strings.Split(string(out), "=== END\n") {
		if strings.TrimSpace(part) != "" {
			res = append(res, aclPart(part))
		}
	}
	if len(res) != len(dnslistHosts) {
		t.Fatalf("exim output:\n%s", out)
	}
	return res
}

// runOursDNSLists runs the same ACL through the engine against dnstest.
func runOursDNSLists(t *testing.T, confPath, text, addr, host string) []string {
	cfg, err := conf.Parse(confPath, text, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := NewState()
	vars := map[string]string{"sender_host_address": host}
	ctx := &expand.Context{Vars: mapVars{st, vars}, ACL: map[string]string{}}
	ctx.Lists = &lists.Env{Named: cfg, Expand: ctx.Expand,
		Resolver: &dnsx.Resolver{Servers: []string{addr}, Retries: 1}}
	tr := &aclTrace{}
	env := &Env{Config: cfg, Ctx: ctx, State: st, Log: tr, Debug: tr,
		HostIdent: func() string { return "H=[" + host + "]" }}
	env.Check(WhereConnect, "")
	return aclPart(tr.buf.String())
}

func TestDNSListsAgainstExim(t *testing.T) {
	dir := t.TempDir()
	confPath := filepath.Join(dir, "exim.conf")
	text := dnslistOracleConfig(dir)
	os.WriteFile(confPath, []byte(text), 0o644)
	theirs := runEximDNSLists(t, dir, confPath)
	srv := startDNSList(t)
	for i, h := range dnslistHosts {
		ours := runOursDNSLists(t, confPath, text, srv.Addr, dnslistHostsVars[i])
		compareLines(t, h, theirs[i], ours)
	}
}

func compareLines(t *testing.T, what string, theirs, ours []string) {
	t.Helper()
	n := max(len(theirs), len(ours))
	for i := 0; i < n; i++ {
		var a, b string
		if i < len(theirs) {
			a = theirs[i]
		}
		if i < len(ours) {
			b = ours[i]
		}
		if a != b {
			t.Errorf("%s: line %d differs\n  exim:  %q\n  exigo: %q", what, i+1, a, b)
			return
		}
	}
}
