package eximlog

import (
	"log/syslog"
	"strconv"
	"strings"
	"sync"
)

// maxSyslogLen is where Exim splits long lines for syslog.
const maxSyslogLen = 870

// syslogSink is the part of *syslog.Writer the logger uses.
type syslogSink interface {
	Info(string) error
	Notice(string) error
	Alert(string) error
	Crit(string) error
	Close() error
}

// severity picks the syslog method for a log.
type severity func(syslogSink, string) error

var (
	sevInfo   severity = syslogSink.Info
	sevNotice severity = syslogSink.Notice
	sevAlert  severity = syslogSink.Alert
	sevCrit   severity = syslogSink.Crit
)

// syslogOut sends records to syslog, connecting on first use as Exim's
// openlog does and again after a failure.
type syslogOut struct {
	mu   sync.Mutex
	dial func() (syslogSink, error)
	w    syslogSink
	// Exim's syslog_timestamp and syslog_pid, turned round so that the
	// zero value is Exim's default.
	noTimestamp, noPid bool
	stampLen           int // "yyyy-mm-dd hh:mm:ss " and what options add
}

var syslogFacilities = map[string]syslog.Priority{
	"mail": syslog.LOG_MAIL, "user": syslog.LOG_USER,
	"news": syslog.LOG_NEWS, "uucp": syslog.LOG_UUCP,
	"daemon": syslog.LOG_DAEMON,
	"local0": syslog.LOG_LOCAL0, "local1": syslog.LOG_LOCAL1,
	"local2": syslog.LOG_LOCAL2, "local3": syslog.LOG_LOCAL3,
	"local4": syslog.LOG_LOCAL4, "local5": syslog.LOG_LOCAL5,
	"local6": syslog.LOG_LOCAL6, "local7": syslog.LOG_LOCAL7,
}

// parseFacility reads syslog_facility: a name from Exim's short list,
// with or without "log_", in any case.
func parseFacility(s string) (syslog.Priority, error) {
	if s == "" {
		return syslog.LOG_MAIL, nil
	}
	name := strings.ToLower(s)
	name = strings.TrimPrefix(name, "log_")
	if p, ok := syslogFacilities[name]; ok {
		return p, nil
	}
	return 0, configError(`failed to interpret syslog_facility "` + s + `"`)
}

// localSyslog connects to the local syslog daemon.
func localSyslog(facility syslog.Priority, tag string) func() (syslogSink, error) {
	return func() (syslogSink, error) {
		return syslog.New(facility|syslog.LOG_INFO, tag)
	}
}

// send writes rec (ending in a newline) at one severity, split into the
// lines Exim would give syslog.
func (s *syslogOut) send(sev severity, rec *record) {
	text := s.strip(rec)
	lines := syslogLines(text)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		w, err := s.dial()
		if err != nil {
			return // Exim's syslog() has nowhere to report this either
		}
		s.w = w
	}
	for _, l := range lines {
		if sev(s.w, l) != nil {
			s.w.Close()
			s.w = nil
			return
		}
	}
}

// strip drops the pid and the timestamp when syslog_pid or
// syslog_timestamp is false.
func (s *syslogOut) strip(rec *record) string {
	b := rec.b
	if s.noPid && rec.pidEnd > rec.pidAt {
		b = append(append([]byte(nil), b[:rec.pidAt]...), b[rec.pidEnd:]...)
	}
	if s.noTimestamp {
		b = b[min(s.stampLen, len(b)):]
	}
	return string(b)
}

// syslogLines splits text at newlines and every maxSyslogLen bytes;
// pieces of a multi-line text are numbered "[i/n] ", with "\" instead of
// "/" when a newline ends a piece that is not the last.
func syslogLines(text string) []string {
	var pieces []string
	var cont []bool
	for rest := text; rest != ""; {
		n := len(rest)
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
			n = nl
		}
		n = min(n, maxSyslogLen)
		piece := rest[:n]
		rest = rest[n:]
		newline := rest != "" && rest[0] == '\n'
		if newline {
			rest = rest[1:]
		}
		pieces = append(pieces, piece)
		cont = append(cont, newline && rest != "")
	}
	if len(pieces) <= 1 {
		return pieces
	}
	total := strconv.Itoa(len(pieces))
	for i, p := range pieces {
		mark := "/"
		if cont[i] {
			mark = "\\"
		}
		pieces[i] = "[" + strconv.Itoa(i+1) + mark + total + "] " + p
	}
	return pieces
}

func (s *syslogOut) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w != nil {
		s.w.Close()
		s.w = nil
	}
}
