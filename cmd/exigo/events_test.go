package main_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The events of a delivery, compared with Debian's Exim 4.96: the same
// sender configuration (testdata/events-exim496-sender.conf, every
// event logged by ${acl {ev}} with logwrite) was run by Exim against an
// Exim peer (testdata/events-exim496-peer.conf), both in a loopback-only
// namespace, and its EV lines kept in testdata/events-exim496.txt. Here
// exigo sends the same messages to an exigo peer with the same ACL and
// must log the same lines, but for the differences listed in skipExim.
func TestEventActionLikeExim(t *testing.T) {
	bin := buildExigo(t)
	peerConf, _ := os.ReadFile("testdata/events-exim496-peer.conf")
	peer := strings.NewReplacer("/tmp/evx/b", "DATA", "exim_user = root\n", "", "exim_group = root\n", "",
		"never_users =\n", "", "queue_only\n", "queue_only\nlocal_interfaces = 127.0.0.1\n").Replace(string(peerConf))
	b := startDaemon(t, bin, peer)
	var port int
	fmt.Sscanf(b.addr, "127.0.0.1:%d", &port)
	dead := freePort(t)
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "mail"), 0o777)
	os.Chmod(filepath.Join(dir, "mail"), 0o777)
	senderConf, _ := os.ReadFile("testdata/events-exim496-sender.conf")
	conf := regexp.MustCompile(`(?m)^(exim_user|exim_group|never_users|  user) =.*\n`).ReplaceAllString(string(senderConf), "")
	conf = strings.NewReplacer("/tmp/evx/a", dir, "port = 2599", fmt.Sprintf("port = %d", port),
		"port = 2600", fmt.Sprintf("port = %d", dead)).Replace(conf)
	confPath := filepath.Join(dir, "a.conf")
	os.WriteFile(confPath, []byte(conf), 0o644)
	for _, rcpt := range []string{"user@local.test", "ok@peer.test", "tmp@peer.test", "bad@peer.test",
		"x@dead.test", "x@nowhere.test", "x@vetotcp.test", "x@vetosmtp.test", "x@vetoehlo.test"} {
		// Exim could not write its retry database in the recording run, so
		// one veto's host retry record must not hold up the next message.
		os.RemoveAll(filepath.Join(dir, "spool", "db"))
		runAs(t, dir, bin, "Subject: test\n\nbody\n", "-C", confPath, "-odi", "-f", "sender@local.test", rcpt)
	}
	got := map[string]bool{}
	for _, l := range evLines(readFile(t, filepath.Join(dir, "log", "mainlog"))) {
		got[normalizeEV(l, port, dead)] = true
	}
	want, _ := os.ReadFile("testdata/events-exim496.txt")
	for _, l := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		if skipExim(l) {
			continue
		}
		if n := normalizeEV(l, 2599, 2600); !got[n] {
			t.Errorf("Exim logged, exigo did not:\n  %s", n)
		}
	}
	if t.Failed() {
		t.Logf("exigo's mainlog:\n%s", readFile(t, filepath.Join(dir, "log", "mainlog")))
	}
}

// skipExim: Exim 4.96's leaks of one event's variables into the next,
// which exigo does not copy: tcp:close after a RCPT deferral sees the
// deferral's $event_defer_errno and no $transport_name; msg:fail:delivery
// sees $host_port -1; msg:complete sees the last address's variables.
func skipExim(l string) bool {
	return strings.Contains(l, "name=<tcp:close>") && strings.Contains(l, "t=<>") ||
		strings.Contains(l, "name=<msg:fail:delivery>") ||
		strings.Contains(l, "name=<msg:complete>") && !strings.Contains(l, "addr=<@>")
}

func evLines(log string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if i := strings.Index(l, " EV name="); i >= 0 {
			out = append(out, l[i+1:])
		}
	}
	return out
}

var (
	reChunk = regexp.MustCompile(`\d+ byte chunk, total \d+`)
	reID    = regexp.MustCompile(`id=[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}`)
)

func normalizeEV(l string, port, dead int) string {
	l = reChunk.ReplaceAllString(l, "N byte chunk, total N")
	l = reID.ReplaceAllString(l, "id=ID")
	l = strings.ReplaceAll(l, fmt.Sprintf("port=<%d>", port), "port=<PEER>")
	return strings.ReplaceAll(l, fmt.Sprintf("port=<%d>", dead), "port=<DEAD>")
}
