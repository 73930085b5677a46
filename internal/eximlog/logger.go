// Package eximlog writes Exim 4.96's main, reject and panic logs: file
// names from log_file_path (with %D/%M datestamps and syslog), the line
// format, log_selector, and the reject log's header dump.
package eximlog

import (
	"io"
	"os"
	"sync"
	"time"
)

// Config holds the main options that shape logging. The zero value of
// each field is Exim's default.
type Config struct {
	FilePath string // log_file_path, already expanded; "" for the default
	Selector string // log_selector
	SpoolDir string // spool_directory: the default path is <SpoolDir>/log/%slog

	Timezone bool           // log_timezone
	Location *time.Location // zone of the timestamps (timezone, timestamps_utc); nil for local

	SyslogFacility      string // syslog_facility; "" for mail
	SyslogProcessName   string // syslog_processname; "" for "exim"
	SyslogNoDuplication bool   // syslog_duplication = false
	SyslogNoTimestamp   bool   // syslog_timestamp = false
	SyslogNoPid         bool   // syslog_pid = false

	NoRejectLog bool // write_rejectlog = false

	Pid    int              // the pid for +pid; 0 for this process's
	Now    func() time.Time // the clock; nil for time.Now
	Stderr io.Writer        // Exim's log_stderr: panic records are echoed there
	// OnError hears about logs that cannot be written, after the panic
	// log has been told (Exim would exit).
	OnError func(error)

	// Test, when set, replaces all log writing, as Exim's address and
	// host testing (-bv, -bh) does: each record that would be written is
	// written there once. TestNoTimestamp drops its first 20 bytes and
	// adds "LOG: ", as -bh does.
	Test            io.Writer
	TestNoTimestamp bool

	// syslogDial replaces the connection to the syslog daemon in tests.
	syslogDial func() (syslogSink, error)
}

// Dest says which logs an entry goes to.
type Dest uint8

// The logs.
const (
	ToMain Dest = 1 << iota
	ToReject
	ToPanic
)

// Entry is one log_write call.
type Entry struct {
	To   Dest
	If   Name   // when set, the main log gets the entry only if this selector is on
	ID   string // message id, or ""
	Text string // may hold newlines, written as they are
	// Headers, for the reject log, once the message's header is known.
	Headers *RejectHeaders
	Pid     int // overrides Config.Pid
}

// Logger writes Exim's logs. It is safe for concurrent use.
type Logger struct {
	sel      Selector
	dest     destinations
	zone     bool
	loc      *time.Location
	pid      int
	now      func() time.Time
	dupe     bool
	noReject bool
	stderr   io.Writer
	onError  func(error)
	test     io.Writer
	testCut  bool

	main, reject *logFile
	panicName    string
	panicMu      sync.Mutex
	syslog       *syslogOut
	extraOnce    sync.Once
}

// New checks the settings as Exim does when it reads its configuration;
// the error's text is Exim's. No file is opened until the first write.
func New(c Config) (*Logger, error) {
	sel, err := ParseSelector(c.Selector)
	if err != nil {
		return nil, err
	}
	dest, err := parseFilePath(c.FilePath, c.SpoolDir)
	if err != nil {
		return nil, err
	}
	l := &Logger{
		sel: sel, dest: dest, zone: c.Timezone, loc: c.Location,
		pid: c.Pid, now: c.Now, dupe: !c.SyslogNoDuplication,
		noReject: c.NoRejectLog, stderr: c.Stderr, onError: c.OnError,
		test: c.Test, testCut: c.TestNoTimestamp,
	}
	l.fillDefaults()
	if dest.files {
		l.main = &logFile{kind: "main", tmpl: dest.path}
		l.reject = &logFile{kind: "reject", tmpl: dest.path}
		l.panicName = dest.path.panicName()
	}
	if l.syslog, err = newSyslogOut(c, sel); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Logger) fillDefaults() {
	if l.loc == nil {
		l.loc = time.Local
	}
	if l.pid == 0 {
		l.pid = os.Getpid()
	}
	if l.now == nil {
		l.now = time.Now
	}
}

func newSyslogOut(c Config, sel Selector) (*syslogOut, error) {
	facility, err := parseFacility(c.SyslogFacility)
	if err != nil {
		return nil, err
	}
	tag := c.SyslogProcessName
	if tag == "" {
		tag = "exim"
	}
	if len(tag) > 32 {
		return nil, plainError("syslog_processname is longer than 32 chars: aborting")
	}
	s := &syslogOut{
		dial:        c.syslogDial,
		noTimestamp: c.SyslogNoTimestamp,
		noPid:       c.SyslogNoPid,
		stampLen:    20,
	}
	if s.dial == nil {
		s.dial = localSyslog(facility, tag)
	}
	if c.Timezone {
		s.stampLen = 26
	}
	if sel.Has(Millisec) {
		s.stampLen += 4
	}
	return s, nil
}

// Selector is the log_selector in force.
func (l *Logger) Selector() Selector { return l.sel }

// Main writes to the main log.
func (l *Logger) Main(id, text string) {
	l.report(l.Write(Entry{To: ToMain, ID: id, Text: text}))
}

// MainIf writes to the main log if selector n is on.
func (l *Logger) MainIf(n Name, id, text string) {
	l.report(l.Write(Entry{To: ToMain, If: n, ID: id, Text: text}))
}

// Reject writes a rejection to the main and reject logs; hdr (nil before
// the header is known) adds the envelope and header lines to the latter.
func (l *Logger) Reject(id, text string, hdr *RejectHeaders) {
	l.report(l.Write(Entry{To: ToMain | ToReject, ID: id, Text: text, Headers: hdr}))
}

// Panic writes to the panic log and, as Exim's callers mostly ask, the
// main log.
func (l *Logger) Panic(id, text string) {
	l.report(l.Write(Entry{To: ToMain | ToPanic, ID: id, Text: text}))
}

func (l *Logger) report(err error) {
	if err != nil && l.onError != nil {
		l.onError(err)
	}
}

// Close closes the open log files and the syslog connection. A later
// write opens them again.
func (l *Logger) Close() error {
	var err error
	if l.main != nil {
		err = l.main.close()
		if rerr := l.reject.close(); err == nil {
			err = rerr
		}
	}
	l.syslog.close()
	return err
}
