package eximlog

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestCreatesDirectoryAndFiles(t *testing.T) {
	old := setUmask(0o077) // Exim's modes must not depend on the umask
	defer setUmask(old)
	dir := t.TempDir()
	l, _ := testLogger(t, Config{SpoolDir: dir + "/spool", FilePath: ""},
		time.Date(2026, 11, 30, 4, 17, 8, 0, time.UTC), 0)
	l.Main("", "hello")
	l.Reject("", "no", nil)
	l.Write(Entry{To: ToPanic, Text: "oops"})
	for name, mode := range map[string]os.FileMode{
		"/spool":               os.ModeDir | logDirMode,
		"/spool/log":           os.ModeDir | logDirMode,
		"/spool/log/mainlog":   logFileMode,
		"/spool/log/rejectlog": logFileMode,
		"/spool/log/paniclog":  logFileMode,
	} {
		st, err := os.Stat(dir + name)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != mode {
			t.Errorf("%s: mode %v want %v", name, st.Mode(), mode)
		}
	}
	if got := readLog(t, dir+"/spool/log/mainlog"); got != "2026-11-30 04:17:08 hello\n2026-11-30 04:17:08 no\n" {
		t.Errorf("main log %q", got)
	}
	if got := readLog(t, dir+"/spool/log/paniclog"); got != "2026-11-30 04:17:08 oops\n" {
		t.Errorf("panic log %q", got)
	}
}

func TestLineFormat(t *testing.T) {
	l, dir := testLogger(t, Config{Selector: "+pid +millisec", Timezone: true, Pid: 1234},
		time.Date(2026, 11, 30, 4, 17, 8, 123e6, time.UTC), 0)
	l.Main("1xXsrK-0001IY-0w", "<= a@b.example U=root P=local S=281")
	l.Main("", "Warning: purging the environment.\n Suggested action: use keep_environment.")
	l.Write(Entry{To: ToMain, Text: "other pid", Pid: 99})
	l.MainIf(SmtpConnection, "", "not logged")
	l.MainIf(RetryDefer, "", "logged")
	want := "2026-11-30 04:17:08.123 +0000 [1234] 1xXsrK-0001IY-0w <= a@b.example U=root P=local S=281\n" +
		"2026-11-30 04:17:08.123 +0000 [1234] Warning: purging the environment.\n Suggested action: use keep_environment.\n" +
		"2026-11-30 04:17:08.123 +0000 [99] other pid\n" +
		"2026-11-30 04:17:08.123 +0000 [1234] logged\n"
	if got := readLog(t, dir+"/mainlog"); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestPanicGoesToMainAndStderr(t *testing.T) {
	var stderr strings.Builder
	l, dir := testLogger(t, Config{Stderr: &stderr},
		time.Date(2026, 11, 30, 4, 17, 8, 0, time.UTC), 0)
	l.Panic("", "failed to expand")
	line := "2026-11-30 04:17:08 failed to expand\n"
	for _, name := range []string{"mainlog", "paniclog"} {
		if got := readLog(t, dir+"/"+name); got != line {
			t.Errorf("%s: %q", name, got)
		}
	}
	if stderr.String() != line {
		t.Errorf("stderr: %q", stderr.String())
	}
}

func TestNoRejectLog(t *testing.T) {
	l, dir := testLogger(t, Config{NoRejectLog: true}, time.Date(2026, 11, 30, 4, 17, 8, 0, time.UTC), 0)
	l.Reject("", "rejected", nil)
	if _, err := os.Stat(dir + "/rejectlog"); !os.IsNotExist(err) {
		t.Errorf("write_rejectlog = false still wrote a reject log")
	}
	if readLog(t, dir+"/mainlog") == "" {
		t.Error("no main log line")
	}
}

func TestDateSwitch(t *testing.T) {
	for _, tc := range []struct{ path, before, after, panicN string }{
		{"%slog-%D", "mainlog-20261130", "mainlog-20261201", "paniclog"},
		{"%slog.%M", "mainlog.202611", "mainlog.202612", "paniclog"},
	} {
		dir := t.TempDir()
		l, _ := testLogger(t, Config{FilePath: dir + "/" + tc.path},
			time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC), time.Second)
		l.Main("", "late")         // 23:59:59
		l.Reject("", "night", nil) // 00:00:00 the next day
		l.Panic("", "never dated")
		if got := readLog(t, dir+"/"+tc.before); got != "2026-11-30 23:59:59 late\n" {
			t.Errorf("%s: %q", tc.before, got)
		}
		if got := readLog(t, dir+"/"+tc.after); got != "2026-12-01 00:00:00 night\n2026-12-01 00:00:01 never dated\n" {
			t.Errorf("%s: %q", tc.after, got)
		}
		if got := readLog(t, dir+"/"+strings.Replace(tc.after, "main", "reject", 1)); got != "2026-12-01 00:00:00 night\n" {
			t.Errorf("reject %s: %q", tc.after, got)
		}
		if got := readLog(t, dir+"/"+tc.panicN); got != "2026-12-01 00:00:01 never dated\n" {
			t.Errorf("%s: %q", tc.panicN, got)
		}
	}
}

// The date in file names is that of the log's time zone.
func TestDateSwitchFollowsZone(t *testing.T) {
	dir := t.TempDir()
	l, _ := testLogger(t, Config{FilePath: dir + "/%slog-%D"},
		time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), 0)
	l.loc = time.FixedZone("CET", 3600)
	l.Main("", "in CET")
	if got := readLog(t, dir+"/mainlog-20261201"); got != "2026-12-01 00:30:00 in CET\n" {
		t.Errorf("%q", got)
	}
}

func TestReopenAfterRename(t *testing.T) {
	l, dir := testLogger(t, Config{}, time.Date(2026, 11, 30, 4, 17, 8, 0, time.UTC), 0)
	l.Main("", "one")
	if err := os.Rename(dir+"/mainlog", dir+"/mainlog.1"); err != nil {
		t.Fatal(err)
	}
	l.Main("", "two")
	if err := os.Remove(dir + "/mainlog"); err != nil {
		t.Fatal(err)
	}
	l.Main("", "three")
	if got := readLog(t, dir+"/mainlog.1"); got != "2026-11-30 04:17:08 one\n" {
		t.Errorf("rotated: %q", got)
	}
	if got := readLog(t, dir+"/mainlog"); got != "2026-11-30 04:17:08 three\n" {
		t.Errorf("new: %q", got)
	}
}

func TestOpenFailureGoesToPanicLog(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/blocker", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var failures []error
	l, err := New(Config{FilePath: dir + "/blocker/%slog", Location: time.UTC,
		Now:        func() time.Time { return time.Date(2026, 11, 30, 4, 17, 8, 0, time.UTC) },
		OnError:    func(err error) { failures = append(failures, err) },
		syslogDial: noSyslog})
	if err != nil {
		t.Fatal(err)
	}
	l.Main("", "lost")
	if len(failures) != 1 || !strings.HasPrefix(failures[0].Error(),
		`Cannot open main log file "`+dir+`/blocker/mainlog": Not a directory: euid=`) {
		t.Errorf("failures: %v", failures)
	}
}

// With Test set nothing is written to files: -bh shows "LOG: " and the
// record without its first 20 bytes.
func TestTestMode(t *testing.T) {
	var out strings.Builder
	l, dir := testLogger(t, Config{Test: &out, TestNoTimestamp: true},
		time.Date(2026, 11, 30, 4, 17, 8, 0, time.UTC), 0)
	l.Reject("", "H=(x) [192.0.2.1] F=<a@b> rejected RCPT <c@d>: no", &RejectHeaders{})
	l.MainIf(SmtpConnection, "", "SMTP connection from [192.0.2.1]")
	if want := "LOG: H=(x) [192.0.2.1] F=<a@b> rejected RCPT <c@d>: no\n"; out.String() != want {
		t.Errorf("got %q want %q", out.String(), want)
	}
	if names, _ := os.ReadDir(dir); len(names) != 0 {
		t.Errorf("files written in test mode: %v", names)
	}
}
