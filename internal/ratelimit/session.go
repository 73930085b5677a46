package ratelimit

import "fmt"

// cacheKind says how long a computed rate is remembered, so that a
// condition evaluated again does not count the same event twice.
type cacheKind int

const (
	cacheCmd  cacheKind = iota // this SMTP command (and every readonly check)
	cacheMail                  // this message
	cacheConn                  // this connection
)

func cacheFor(m mode, readonly bool) cacheKind {
	if readonly {
		return cacheCmd
	}
	switch m {
	case perConn:
		return cacheConn
	case perByte, perMail, perAllRcpts:
		return cacheMail
	}
	return cacheCmd // per_addr, per_cmd, per_rcpt
}

// Session holds the rates already computed in one SMTP connection (or
// one non-SMTP message): Exim's ratelimiters_conn, _mail and _cmd trees.
// The zero value is ready to use; it is not safe for concurrent use.
type Session struct {
	// Debug, when set, receives the lines Exim writes with -d+acl.
	Debug func(line string)

	conn, mail, cmd map[string]float64
}

// NewCommand forgets the per-command rates; Exim does this each time it
// starts an ACL check for a command.
func (s *Session) NewCommand() { s.cmd = nil }

// NewMessage forgets the per-message rates, as Exim's reset between
// messages does. Per-connection rates are kept.
func (s *Session) NewMessage() { s.mail = nil }

func (s *Session) cached(k cacheKind, key string) (float64, bool) {
	r, ok := s.table(k)[key]
	return r, ok
}

func (s *Session) remember(k cacheKind, key string, rate float64) {
	t := s.table(k)
	if t == nil {
		t = map[string]float64{}
		switch k {
		case cacheConn:
			s.conn = t
		case cacheMail:
			s.mail = t
		default:
			s.cmd = t
		}
	}
	t[key] = rate
}

func (s *Session) table(k cacheKind) map[string]float64 {
	switch k {
	case cacheConn:
		return s.conn
	case cacheMail:
		return s.mail
	}
	return s.cmd
}

func (s *Session) debugf(format string, a ...any) {
	if s.Debug != nil {
		s.Debug(fmt.Sprintf(format, a...))
	}
}
