package retry

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"exigo/internal/item"
)

// needExim skips unless Debian's Exim can be run in a network namespace.
func needExim(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/exim4"); err != nil {
		t.Skip("/usr/sbin/exim4 is not installed: no Exim to compare with")
	}
	if err := exec.Command("unshare", "-n", "true").Run(); err != nil {
		t.Skipf("cannot run Exim in a network namespace: %v", err)
	}
}

// inNamespace runs a shell script with only loopback, in UTC.
func inNamespace(t *testing.T, script, stdin string) string {
	t.Helper()
	cmd := exec.Command("unshare", "-n", "sh", "-c", "ip link set lo up; "+script)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	return string(out)
}

func writeConf(t *testing.T, dir, body string) string {
	t.Helper()
	text := fmt.Sprintf("spool_directory = %s/spool\nlog_file_path = %s/log/%%slog\n"+
		"exim_user = root\nexim_group = root\nprimary_hostname = test.ex\nqualify_domain = test.ex\n%s", dir, dir, body)
	path := filepath.Join(dir, "conf")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAgainstEximBrt compares rule selection with "exim -brt".
func TestAgainstEximBrt(t *testing.T) {
	needExim(t)
	dir := t.TempDir()
	section := `begin retry
alice@wonderland.fict.example quota_5d  F,7d,3h
wonderland.fict.example       quota_5d
wonderland.fict.example       *         F,1h,15m; G,2d,1h,2;
^\N.*@c\.d$\N  * F,1d,1m
*@e.f  * F,2d,1m; G,3d,1h,1.05
*   timeout_A  F,1h,1m
*   timeout_connect  F,1h,2m
*   refused_A  F,1h,4m; G,2h,5m,2.5; H,3h,1m,1.25
*   refused  F,1h,5m
*   quota_90m  F,1h,6m
*   rcpt_45x  F,1h,7m
*   mail_4xx  F,1h,8m
*   lookup  F,1h,9m
*   auth_failed  F,1h,10m
*   * F,2h,15m; G,16h,1h,1.5; F,4d,6h
`
	conf := writeConf(t, dir, section)
	rs := rulesFor(t, strings.TrimPrefix(section, "begin retry\n"))
	queries := [][]string{
		{"alice@wonderland.fict.example", "quota_6d"}, {"alice@wonderland.fict.example", "quota_4d"},
		{"bob@wonderland.fict.example", "quota_5d"}, {"bob@wonderland.fict.example"},
		{"y@c.d"}, {"c.d"}, {"E.F"}, {"x@a.b", "timeout_connect_A"}, {"x@a.b", "timeout_connect_MX"},
		{"x@a.b", "timeout_MX"}, {"x@a.b", "refused_A"}, {"x@a.b", "refused_MX"}, {"x@a.b", "quota_2h"},
		{"x@a.b", "quota"}, {"x@a.b", "rcpt_451"}, {"x@a.b", "rcpt_461"}, {"x@a.b", "mail_421"},
		{"x@a.b", "data_451"}, {"x@a.b", "lookup"}, {"x@a.b", "auth_failed"}, {"h.x", "e.f"},
		{"h.x", "c.d", "timeout"}, {"x@a.b", "lost_connection"},
	}
	var script strings.Builder
	for _, q := range queries {
		fmt.Fprintf(&script, "echo ===; exim4 -C %s -brt %s 2>&1 | grep -v timeout_dns;", conf, strings.Join(q, " "))
	}
	parts := strings.Split(inNamespace(t, script.String(), ""), "===\n")[1:]
	for i, q := range queries {
		want := strings.TrimSpace(parts[i])
		query := Query{Key: q[0], NoSender: true}
		rest := q[1:]
		if len(rest) > 0 && strings.Contains(rest[0], ".") {
			query.Alternate, rest = rest[0], rest[1:]
		}
		if len(rest) > 0 {
			b, m, err := ParseError(rest[0])
			if err != nil {
				t.Fatal(err)
			}
			query.BasicErrno, query.MoreErrno = b, m
		}
		got := "No retry information found"
		if r := rs.Find(query); r != nil {
			got = strings.TrimSpace(r.Describe())
		}
		if got != want {
			t.Errorf("-brt %v:\n got %s\nwant %s", q, got, want)
		}
	}
}

var dumpRE = regexp.MustCompile(`(?m)^  (\S+) (-?\d+) (-?\d+) (.*)\n(\S+ \S+)  (\S+ \S+)  (\S+ \S+) (\*?)$`)

func parseDump(t *testing.T, out string) map[string]*Record {
	t.Helper()
	recs := map[string]*Record{}
	for _, m := range dumpRE.FindAllStringSubmatch(out, -1) {
		tm := func(s string) time.Time {
			v, err := time.Parse("02-Jan-2006 15:04:05", s)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		b, _ := strconv.Atoi(m[2])
		mo, _ := strconv.Atoi(m[3])
		recs[m[1]] = &Record{BasicErrno: b, MoreErrno: mo, Text: m[4], FirstFailed: tm(m[5]),
			LastTry: tm(m[6]), NextTry: tm(m[7]), Expired: m[8] == "*"}
	}
	return recs
}

// TestAgainstEximUpdate lets Exim defer an address three times, moving
// the record's times back with exim_fixdb in between, and checks that
// Update turns each record Exim read into the one Exim wrote.
func TestAgainstEximUpdate(t *testing.T) {
	needExim(t)
	dir := t.TempDir()
	conf := writeConf(t, dir, `begin routers
slow:
  driver = redirect
  allow_defer
  data = :defer: mailbox is resting
begin retry
* * F,1h,10m; G,1d,5m,2; F,2d,1h
`)
	spool := dir + "/spool"
	key := "R:test.ex"
	exim := "exim4 -C " + conf
	inNamespace(t, exim+" -odi -f sender@test.ex slow@test.ex", "Subject: x\n\nbody\n")
	rs := rulesFor(t, "* * F,1h,10m; G,1d,5m,2; F,2d,1h\n")
	// Each step moves first_failed and last_try back (fixdb: yy:mm:dd:hh:mm).
	for _, back := range []struct{ first, last time.Duration }{
		{2 * time.Hour, time.Hour}, {3 * time.Hour, 20 * time.Minute}, {3 * 24 * time.Hour, time.Hour},
	} {
		before := parseDump(t, inNamespace(t, "exim_dumpdb -z "+spool+" retry", ""))[key]
		if before == nil {
			t.Fatal("Exim wrote no retry record")
		}
		ff, lt := before.LastTry.Add(-back.first), before.LastTry.Add(-back.last)
		fix := fmt.Sprintf("%s 2 %s\n%s 3 %s\n", key, ff.Format("06:01:02:15:04"), key, lt.Format("06:01:02:15:04"))
		prior := parseDump(t, inNamespace(t, "exim_fixdb "+spool+" retry >/dev/null; exim_dumpdb -z "+spool+" retry", fix))[key]
		out := inNamespace(t, exim+" -qf; exim_dumpdb -z "+spool+" retry; cat "+spool+"/input/*-H 2>/dev/null | sed -n 4p", "")
		after := parseDump(t, out)[key]
		received := receivedTime(t, out)

		db := openDB(t)
		prior.Stamp = after.LastTry
		db.Put(key, prior.Encode())
		a := item.New("slow@test.ex")
		a.Result, a.BasicErrno, a.Message = item.Defer, -1, "mailbox is resting"
		AddItem(a, key, 0)
		u := &Update{Rules: rs, DB: db, Now: after.LastTry, Received: received, Sender: "sender@test.ex"}
		timedOut, err := u.Apply(nil, nil, []*item.Address{a})
		if err != nil {
			t.Fatal(err)
		}
		got := get(t, db, key)
		got.Stamp = time.Time{}
		if got.NextTry.Unix() != after.NextTry.Unix() || got.FirstFailed.Unix() != after.FirstFailed.Unix() ||
			got.Expired != after.Expired || got.Text != after.Text || got.BasicErrno != after.BasicErrno {
			t.Errorf("after moving back %v:\n ours %+v\nExim's %+v", back, got, after)
		}
		if (len(timedOut) == 1) != after.Expired {
			t.Errorf("timed out: %d, Exim's record expired %v", len(timedOut), after.Expired)
		}
		if after.Expired {
			break
		}
	}
}

// receivedTime reads the -H file's time line ("1796015008 0") printed last.
func receivedTime(t *testing.T, out string) time.Time {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	f := strings.Fields(lines[len(lines)-1])
	sec, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		// The message is gone (it timed out): any time before the failures.
		return time.Unix(0, 0)
	}
	return time.Unix(sec, 0)
}
