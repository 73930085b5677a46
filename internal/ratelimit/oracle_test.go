package ratelimit

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"exigo/internal/hints"
)

// The conditions each ACL of the oracle configuration runs, in order.
// "$sender_address" is expanded by Exim, and by the simulation.
var oracleACLs = []struct {
	name, option string
	where        int
	whereName    string
	conds        []string
}{
	{"acl_connect", "acl_smtp_connect", 9, "connection", []string{
		"5 / 1h / per_conn", "5 / 1h / per_mail / readonly", "1 / 1h / per_cmd / strict / conncmd",
	}},
	{"acl_mail", "acl_smtp_mail", WhereMAIL, "MAIL", []string{
		"2 / 1h / per_byte", "1k / 1h / per_mail / count=3",
		"10 / 1h / per_mail / unique=$sender_address / strict", "10/1h/per_rcpt",
	}},
	{"acl_rcpt", "acl_smtp_rcpt", WhereRCPT, "RCPT", []string{
		"3 / 1h / per_addr", "3 / 1h / per_rcpt / strict / x//y", "100 / 1d / per_cmd",
		"2.5/1h/count=2.5/per_mail/strict/k", "1 / 1h / per_cmd / strict / conncmd",
	}},
	{"acl_data", "acl_smtp_data", 5, "DATA", []string{
		"3 / 1h / per_rcpt", "3 / 1h / per_addr / noupdate", "5 / 1h / per_conn / readonly",
	}},
}

type oracleMessage struct {
	sender string
	size   int64
	rcpts  []string
}

var oracleMessages = []oracleMessage{
	{"a@b", 500, []string{"u1@d", "u1@d", "u2@d"}},
	{"c@b", 100, []string{"u3@d"}},
}

// oracleConnections are run one after another on one spool.
var oracleConnections = []string{"10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.1"}

func oracleConfig(spool string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "exim_user = root\nexim_group = root\nspool_directory = %s\n", spool)
	fmt.Fprintf(&b, "log_file_path = %s/%%slog\nprimary_hostname = test.example\n", spool)
	for _, a := range oracleACLs {
		fmt.Fprintf(&b, "%s = %s\n", a.option, a.name)
	}
	b.WriteString("begin acl\n")
	for _, a := range oracleACLs {
		b.WriteString(a.name + ":\n")
		for i, c := range a.conds {
			fmt.Fprintf(&b, "  warn set acl_m_o = no\n  warn ratelimit = %s\n       set acl_m_o = yes\n", c)
			fmt.Fprintf(&b, "  warn logwrite = RLT %s%d $acl_m_o $sender_rate $sender_rate_limit $sender_rate_period\n", a.name, i)
		}
		b.WriteString("  accept\n")
	}
	b.WriteString("begin routers\nbegin transports\n")
	return b.String()
}

func oracleScript() string {
	var b strings.Builder
	b.WriteString("EHLO x\r\n")
	for _, m := range oracleMessages {
		fmt.Fprintf(&b, "MAIL FROM:<%s> SIZE=%d\r\n", m.sender, m.size)
		for _, r := range m.rcpts {
			fmt.Fprintf(&b, "RCPT TO:<%s>\r\n", r)
		}
		b.WriteString("DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n")
	}
	b.WriteString("QUIT\r\n")
	return b.String()
}

func needExim(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/exim4"); err != nil {
		t.Skip("/usr/sbin/exim4 is not installed: no Exim to compare with")
	}
	if err := exec.Command("unshare", "-n", "true").Run(); err != nil {
		t.Skipf("cannot run Exim in a network namespace: %v", err)
	}
}

// rltLine picks the logwrite lines and the condition's debug lines
// (Exim -bh shows them after ">>> "); in the DATA ACL log lines start
// with the message id.
var rltLine = regexp.MustCompile(`(?m)^(?:LOG: (?:\w{6}-\w{6}-\w{2} )?|>>> )((?:RLT|ratelimit) .*)$`)

func runExim(t *testing.T, dir, ip string) []string {
	t.Helper()
	cmd := exec.Command("unshare", "-n", "sh", "-c",
		`ip link set lo up; exec /usr/sbin/exim4 -C "$0" -bh "$1"`, filepath.Join(dir, "conf"), ip)
	cmd.Stdin = strings.NewReader(oracleScript())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("exim: %v\n%s", err, out)
	}
	var lines []string
	for _, m := range rltLine.FindAllStringSubmatch(string(out), -1) {
		lines = append(lines, strings.TrimRight(m[1], " "))
	}
	return lines
}

// eximDump is exim_dumpdb's ratelimit listing without the times, sorted.
func eximDump(t *testing.T, spool string) []string {
	out, err := exec.Command("/usr/sbin/exim_dumpdb", spool, "ratelimit").CombinedOutput()
	if err != nil {
		t.Fatalf("exim_dumpdb: %v\n%s", err, out)
	}
	return untimed(strings.Split(strings.TrimSpace(string(out)), "\n"))
}

var dumpTimes = regexp.MustCompile(`^\S+ \S+ | epoch: \S+ \S+`)

func untimed(lines []string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, dumpTimes.ReplaceAllString(l, ""))
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(keyOf(a), keyOf(b)) })
	return out
}

// simulate runs the same conditions through this package.
func simulate(t *testing.T, db *hints.DB, ip string, clock *time.Time) []string {
	var lines []string
	s := Session{Debug: func(l string) { lines = append(lines, l) }}
	run := func(a int, in Input, sender string) {
		acl := oracleACLs[a]
		in.Where, in.WhereName, in.HostAddress = acl.where, acl.whereName, ip
		s.NewCommand()
		for i, c := range acl.conds {
			*clock = clock.Add(100 * time.Microsecond)
			sp, err := Parse(strings.ReplaceAll(c, "$sender_address", sender), &in)
			if err != nil {
				t.Fatal(err)
			}
			over, v, err := s.Check(db, sp, *clock)
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("RLT %s%d %s %s %s %s", acl.name, i, yesNo(over), v.Rate, v.Limit, v.Period))
		}
	}
	run(0, Input{MessageSize: -1}, "")
	for _, m := range oracleMessages {
		s.NewMessage()
		run(1, Input{MessageSize: m.size}, m.sender)
		for i, r := range m.rcpts {
			lp, dom, _ := strings.Cut(r, "@")
			run(2, Input{MessageSize: m.size, Recipients: i, LocalPart: lp, Domain: dom}, m.sender)
		}
		run(3, Input{MessageSize: 200, Recipients: len(m.rcpts)}, m.sender)
	}
	return lines
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func TestAgainstExim(t *testing.T) {
	needExim(t)
	dir := t.TempDir()
	spool := filepath.Join(dir, "spool")
	os.MkdirAll(spool, 0o750)
	conf := oracleConfig(spool)
	if err := os.WriteFile(filepath.Join(dir, "conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	db := testDB(t)
	clock := time.Now()
	for n, ip := range oracleConnections {
		want := runExim(t, dir, ip)
		got := simulate(t, db, ip, &clock)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("connection %d from %s:\n got:\n%s\nexim:\n%s", n+1, ip,
				strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	var ours []string
	db.Scan(func(k string, r hints.Record) bool {
		ours = append(ours, DumpLine(k, r.Data, time.Local))
		return true
	})
	if got, want := untimed(ours), eximDump(t, spool); !sameDump(got, want) {
		t.Errorf("database:\n got:\n%s\nexim_dumpdb:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func keyOf(line string) string {
	_, k, _ := strings.Cut(line, " key: ")
	return k
}

var dumpRate = regexp.MustCompile(`^rate: +(\S+)(.*)$`)

// sameDump compares dump lines exactly but for the rates, which depend on
// the real time between Exim's events (a little under the event count)
// and so may differ in the last printed digit.
func sameDump(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := dumpRate.FindStringSubmatch(got[i]), dumpRate.FindStringSubmatch(want[i])
		if g == nil || w == nil || g[2] != w[2] {
			return false
		}
		gr, _ := strconv.ParseFloat(g[1], 64)
		wr, _ := strconv.ParseFloat(w[1], 64)
		if math.Abs(gr-wr) > 0.01 {
			return false
		}
	}
	return true
}
