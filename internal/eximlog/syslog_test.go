package eximlog

import (
	"log/syslog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSyslog records what would reach the syslog daemon.
type fakeSyslog struct {
	mu    sync.Mutex
	lines []string
}

func (f *fakeSyslog) add(sev, m string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lines = append(f.lines, sev+" "+m)
	return nil
}
func (f *fakeSyslog) Info(m string) error   { return f.add("info", m) }
func (f *fakeSyslog) Notice(m string) error { return f.add("notice", m) }
func (f *fakeSyslog) Alert(m string) error  { return f.add("alert", m) }
func (f *fakeSyslog) Crit(m string) error   { return f.add("crit", m) }
func (f *fakeSyslog) Close() error          { return nil }

func syslogLogger(t *testing.T, c Config) (*Logger, *fakeSyslog, string) {
	t.Helper()
	fake := &fakeSyslog{}
	c.syslogDial = func() (syslogSink, error) { return fake, nil }
	l, dir := testLogger(t, c, time.Date(2026, 11, 30, 4, 19, 59, 819e6, time.UTC), 0)
	return l, fake, dir
}

// Seen from Exim 4.96 through a fake /dev/log: the pieces of a multi-line
// record are numbered, "\" marking those a newline ended.
func TestSyslogLines(t *testing.T) {
	l, fake, _ := syslogLogger(t, Config{FilePath: "syslog", Selector: "+pid +millisec", Pid: 7851})
	l.Main("", "Warning: purging the environment.\n Suggested action: use keep_environment.")
	l.Main("1xXsrv-00022d-2b", "<= a@b.example U=root P=local S=281")
	want := []string{
		`info [1\2] 2026-11-30 04:19:59.819 [7851] Warning: purging the environment.`,
		`info [2/2]  Suggested action: use keep_environment.`,
		`info 2026-11-30 04:19:59.819 [7851] 1xXsrv-00022d-2b <= a@b.example U=root P=local S=281`,
	}
	if strings.Join(fake.lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(fake.lines, "\n"), strings.Join(want, "\n"))
	}
}

// syslog_pid and syslog_timestamp false drop those parts of the text.
func TestSyslogStrip(t *testing.T) {
	l, fake, _ := syslogLogger(t, Config{FilePath: "syslog", Selector: "+pid +millisec", Pid: 9027,
		Timezone: true, SyslogNoPid: true, SyslogNoTimestamp: true})
	l.Main("1xXsrz-0002Lb-0m", "<= a@b.example U=root P=local S=281")
	if want := "info 1xXsrz-0002Lb-0m <= a@b.example U=root P=local S=281"; fake.lines[0] != want {
		t.Errorf("got %q want %q", fake.lines[0], want)
	}
}

func TestSyslogSplitsLongLines(t *testing.T) {
	text := strings.Repeat("abcdefghij", 200)
	lines := syslogLines("2026-11-30 04:22:39 " + text + "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "[1/3] 2026-11-30 04:22:39 abc") ||
		len(lines[0]) != len("[1/3] ")+maxSyslogLen || len(lines[1]) != len("[2/3] ")+maxSyslogLen ||
		!strings.HasPrefix(lines[2], "[3/3] ") {
		t.Errorf("split: %d pieces: %.40q...", len(lines), lines)
	}
	if got := syslogLines("a\n\nb\n"); strings.Join(got, "|") != `[1\3] a|[2\3] |[3/3] b` {
		t.Errorf("blank line: %q", got)
	}
}

// Each log goes to syslog at its own severity; syslog_duplication =
// false keeps a rejection or panic out of the main log's copy.
func TestSyslogSeverities(t *testing.T) {
	for _, dup := range []bool{true, false} {
		l, fake, dir := syslogLogger(t, Config{FilePath: "syslog : ", SyslogNoDuplication: !dup})
		l.Main("", "m")
		l.Reject("", "r", nil)
		l.Panic("", "p")
		l.Write(Entry{To: ToReject | ToPanic, Text: "rp"})
		got := strings.Join(fake.lines, "|")
		want := "info 2026-11-30 04:19:59 m|" +
			"info 2026-11-30 04:19:59 r|notice 2026-11-30 04:19:59 r|" +
			"info 2026-11-30 04:19:59 p|alert 2026-11-30 04:19:59 p|" +
			"notice 2026-11-30 04:19:59 rp|alert 2026-11-30 04:19:59 rp"
		if !dup {
			want = "info 2026-11-30 04:19:59 m|notice 2026-11-30 04:19:59 r|" +
				"alert 2026-11-30 04:19:59 p|alert 2026-11-30 04:19:59 rp"
		}
		if got != want {
			t.Errorf("duplication %v:\n got %s\nwant %s", dup, got, want)
		}
		if names, _ := filepath.Glob(dir + "/*"); len(names) != 0 {
			t.Errorf("syslog only, yet files %v", names)
		}
	}
}

func TestSyslogSettings(t *testing.T) {
	for s, want := range map[string]syslog.Priority{
		"": syslog.LOG_MAIL, "LOG_Local7": syslog.LOG_LOCAL7, "Daemon": syslog.LOG_DAEMON,
		"user": syslog.LOG_USER, "news": syslog.LOG_NEWS, "uucp": syslog.LOG_UUCP,
	} {
		if p, err := parseFacility(s); err != nil || p != want {
			t.Errorf("%q: %v %v", s, p, err)
		}
	}
	for _, s := range []string{"kern", "auth", "cron"} {
		_, err := New(Config{SyslogFacility: s})
		if err == nil || err.Error() != "Exim configuration error:\n  failed to interpret syslog_facility \""+s+"\"" {
			t.Errorf("%q: %v", s, err)
		}
	}
	_, err := New(Config{SyslogProcessName: strings.Repeat("x", 33)})
	if err == nil || err.Error() != "syslog_processname is longer than 32 chars: aborting" {
		t.Errorf("long processname: %v", err)
	}
}
