package eximlog

import (
	"strconv"
	"time"
)

// Write is Exim's log_write: it formats the entry once and sends it to
// each log asked for, in Exim's order (main, reject, panic), to files
// and/or syslog as log_file_path says. An error is Exim's panic text for
// a log it could not write; that text has gone to the panic log.
func (l *Logger) Write(e Entry) error {
	if l.test == nil && l.dest.extra {
		l.extraOnce.Do(func() {
			l.report(l.write(Entry{To: ToMain | ToPanic,
				Text: "More than one path given in log_file_path: using " + l.dest.path.raw}))
		})
	}
	return l.write(e)
}

func (l *Logger) write(e Entry) error {
	now := l.now().In(l.loc)
	rec := l.build(e, now)
	if l.test != nil {
		return l.writeTest(e, rec)
	}
	if l.noReject {
		e.To &^= ToReject
	}
	var err error
	if e.To&ToMain != 0 && l.sel.Has(e.If) {
		err = l.writeMain(e, rec, now)
	}
	if e.To&ToReject != 0 {
		err = first(err, l.writeReject(e, rec, now))
	}
	if e.To&ToPanic != 0 {
		err = first(err, l.writePanic(rec))
	}
	return err
}

// build makes the main log record: timestamp, [pid], message id, text,
// newline. Text that overflows Exim's buffer is replaced by its warning.
func (l *Logger) build(e Entry, now time.Time) *record {
	r := &record{b: make([]byte, 0, 64+len(e.Text)), lim: logBufferSize - 3}
	r.b = appendTimestamp(r.b, now, l.sel.Has(Millisec), l.zone)
	r.b = append(r.b, ' ')
	if l.sel.Has(Pid) {
		pid := e.Pid
		if pid == 0 {
			pid = l.pid
		}
		r.pidAt = len(r.b)
		r.b = append(r.b, '[')
		r.b = strconv.AppendInt(r.b, int64(pid), 10)
		r.b = append(r.b, "] "...)
		r.pidEnd = len(r.b)
	}
	if e.ID != "" {
		r.b = append(r.b, e.ID...)
		r.b = append(r.b, ' ')
	}
	textAt := len(r.b)
	if !r.arg(e.Text) {
		r.b = append(r.b[:textAt], overflowText...)
	}
	r.b = append(r.b, '\n')
	return r
}

func (l *Logger) writeMain(e Entry, rec *record, now time.Time) error {
	if l.dest.syslog && (l.dupe || e.To&(ToReject|ToPanic) == 0) {
		l.syslog.send(sevInfo, rec)
	}
	if !l.dest.files {
		return nil
	}
	if err := l.main.write(rec.b, now); err != nil {
		return l.fail(err)
	}
	return nil
}

func (l *Logger) writeReject(e Entry, rec *record, now time.Time) error {
	if h := e.Headers; h != nil && len(h.Headers) > 0 && l.sel.Has(RejectedHeader) {
		rec.addRejectHeaders(h)
	}
	if l.dest.syslog && (l.dupe || e.To&ToPanic == 0) {
		l.syslog.send(sevNotice, rec)
	}
	if !l.dest.files {
		return nil
	}
	if err := l.reject.write(rec.b, now); err != nil {
		return l.fail(err)
	}
	return nil
}

// writePanic writes to log_stderr, syslog and the panic log, which is
// opened for each record.
func (l *Logger) writePanic(rec *record) error {
	if l.stderr != nil {
		l.stderr.Write(rec.b)
	}
	if l.dest.syslog {
		l.syslog.send(sevAlert, rec)
	}
	if !l.dest.files {
		return nil
	}
	l.panicMu.Lock()
	err := appendFile(l.panicName, rec.b)
	l.panicMu.Unlock()
	if err != nil {
		// Exim's last resort when even the panic log fails.
		l.syslog.send(sevCrit, rec)
		return openFailure("panic", l.panicName, err)
	}
	return nil
}

// fail reports a main or reject log failure to the panic log, as Exim
// does before it gives up.
func (l *Logger) fail(err error) error {
	perr := l.writePanic(l.build(Entry{Text: err.Error()}, l.now().In(l.loc)))
	return first(err, perr)
}

// writeTest is Exim's logging when testing addresses or hosts: the main
// record once, to stderr, and no files.
func (l *Logger) writeTest(e Entry, rec *record) error {
	if !l.sel.Has(e.If) {
		return nil
	}
	if l.testCut {
		_, err := l.test.Write(append([]byte("LOG: "), rec.b[min(20, len(rec.b)):]...))
		return err
	}
	_, err := l.test.Write(rec.b)
	return err
}

func first(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
