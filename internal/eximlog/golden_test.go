package eximlog

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The testdata/exim-*.log files are Exim 4.96's own logs of SMTP
// sessions (exim -bs -oMa 192.0.2.1.1234 -oMi 10.0.0.1.25, rejecting
// one RCPT and the DATA); these tests write the same entries and want
// the same bytes.

// testLogger logs under dir with a clock that starts at start and moves
// on by step at each reading.
func testLogger(t *testing.T, c Config, start time.Time, step time.Duration) (*Logger, string) {
	t.Helper()
	dir := t.TempDir()
	if c.FilePath == "" && c.SpoolDir == "" {
		c.FilePath = dir + "/%slog"
	}
	c.Location = time.UTC
	now := start
	c.Now = func() time.Time { t := now; now = now.Add(step); return t }
	c.OnError = func(err error) { t.Errorf("log error: %v", err) }
	if c.syslogDial == nil {
		c.syslogDial = noSyslog
	}
	l, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, dir
}

func readLog(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func testPeer(helo string) Peer {
	return Peer{Address: "192.0.2.1", Port: 1234, Helo: helo, Ident: "root",
		IfaceAddress: "10.0.0.1", IfacePort: 25}
}

func TestRejectLogLikeExim(t *testing.T) {
	l, dir := testLogger(t, Config{Selector: "+all -pid -millisec"},
		time.Date(2026, 11, 30, 4, 25, 1, 0, time.UTC), 0)
	who := l.Selector().HostAndIdent(testPeer("client.example"), true)
	l.Reject("", who+" F=<s@x.example> rejected RCPT <bad@d.example>: bad user", nil)
	const id = "1xXswn-00006U-1n"
	l.Reject(id, who+" F=<s@x.example> rejected after DATA: multi", &RejectHeaders{
		Sender: "s@x.example",
		Recipients: []string{"r1@d.example", "r2@d.example", "r3@d.example",
			"r4@d.example", "r5@d.example", "r6@d.example"},
		Headers: []Header{
			{'P', "Received: from [192.0.2.1] (port=1234 helo=client.example ident=root)\n" +
				"\tby test.example with esmtp (Exim 4.96)\n\t(envelope-from <s@x.example>)\n" +
				"\tid " + id + ";\n\tMon, 30 Nov 2026 04:25:01 +0000\n"},
			{'P', ""}, // an unfilled Received: is skipped
			{' ', "Subject: hello\n"},
			{' ', "X-Multi: a\n  b\n"},
			{'T', "To: r1@d.example\n"},
		},
	})
	want := readLog(t, "testdata/exim-recipients-reject.log")
	if got := readLog(t, dir+"/rejectlog"); got != want {
		t.Errorf("reject log:\n%s\nwant:\n%s", got, want)
	}
	main := readLog(t, dir+"/mainlog")
	if strings.Contains(main, "Envelope") || strings.Count(main, "\n") != 2 {
		t.Errorf("main log has the reject log's extras:\n%s", main)
	}
}

func TestOverflowLikeExim(t *testing.T) {
	l, dir := testLogger(t, Config{Selector: "+all", Pid: 378},
		time.Date(2026, 11, 30, 4, 24, 58, 959e6, time.UTC), time.Millisecond)
	who := l.Selector().HostAndIdent(testPeer("[192.0.2.1]"), true)
	l.Reject("", who+" F=<s@x.example> rejected RCPT <bad@d.example>: BIG"+
		strings.Repeat("x", 9000), nil)
	const id = "1xXswk-000066-35"
	hdrs := []Header{{'P', "Received: from [192.0.2.1] (port=1234 ident=root)\n" +
		"\tby test.example with esmtp (Exim 4.96)\n\t(envelope-from <s@x.example>)\n" +
		"\tid " + id + "\n\tfor r1@d.example;\n\tMon, 30 Nov 2026 04:24:58 +0000\n"}}
	for i := range 150 {
		hdrs = append(hdrs, Header{' ', fmt.Sprintf("X-H%03d: %s\n", i, strings.Repeat("y", 70))})
	}
	hdrs = append(hdrs, Header{' ', "Subject: hello\n"})
	l.Reject(id, who+" F=<s@x.example> rejected after DATA: short", &RejectHeaders{
		Sender: "s@x.example", Recipients: []string{"r1@d.example"}, Headers: hdrs})
	for _, name := range []string{"main", "reject"} {
		want := readLog(t, "testdata/exim-overflow-"+name+".log")
		if got := readLog(t, filepath.Join(dir, name+"log")); got != want {
			t.Errorf("%s log:\n%.400s\n...%s\nwant:\n%.400s\n...%s", name,
				got, got[max(len(got)-200, 0):], want, want[max(len(want)-200, 0):])
		}
	}
}

// Exim 4.96 keeps a line (without its newline) of up to 8189 bytes.
func TestOverflowLimit(t *testing.T) {
	l, dir := testLogger(t, Config{}, time.Date(2026, 11, 30, 4, 20, 52, 0, time.UTC), 0)
	const stampLen = len("2026-11-30 04:20:52 ")
	l.Main("", strings.Repeat("z", 8189-stampLen))
	l.Main("", strings.Repeat("z", 8190-stampLen))
	lines := strings.Split(readLog(t, dir+"/mainlog"), "\n")
	if len(lines[0]) != 8189 {
		t.Errorf("first line has %d bytes", len(lines[0]))
	}
	if lines[1] != "2026-11-30 04:20:52 "+strings.TrimSuffix(overflowText, "\n") || lines[2] != "" {
		t.Errorf("second line %.80q, then %.80q", lines[1], lines[2])
	}
}

func noSyslog() (syslogSink, error) { return nil, fmt.Errorf("no syslog in tests") }

func setUmask(mask int) int { return syscall.Umask(mask) }
