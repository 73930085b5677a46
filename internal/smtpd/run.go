package smtpd

import (
	"exigo/internal/eximlog"
	"fmt"
	"strings"

	"exigo/internal/acl"
)

// run is the whole session: the start (limits, connect ACL, banner),
// then messages until QUIT or the end of the connection.
func (s *session) run() {
	key := s.hostAddress()
	total, fromHost := s.srv.admit(key)
	defer s.srv.release(key)
	defer s.state.Close() // the ACLs' ratelimit database
	defer s.w.Flush()
	if !s.admitted(total, fromHost) {
		return
	}
	if !s.startSession() {
		return
	}
	for s.setupMessage() {
	}
	s.logNoMail()
}

// admitted applies smtp_accept_max and smtp_accept_max_per_host (network
// connections only) and smtp_accept_queue.
func (s *session) admitted(total, fromHost int) bool {
	if s.conn == nil {
		return true
	}
	cfg := s.srv.Config
	if max := int(cfg.Int("smtp_accept_max")); max > 0 && total > max {
		s.printf("421 Too many concurrent SMTP connections; please try again later.\r\n")
		s.srv.Log.Main("", fmt.Sprintf("Connection from %s refused: too many connections", s.hostAndIdent(false)))
		return false
	}
	if cfg.IsSet("smtp_accept_max_per_host") {
		v, err := s.ctx.Expand(cfg.String("smtp_accept_max_per_host"))
		if err == nil {
			var max int
			if _, e := fmt.Sscan(strings.TrimSpace(v), &max); e == nil && max > 0 && fromHost > max {
				s.printf("421 Too many concurrent SMTP connections from this IP address; please try again later.\r\n")
				s.srv.Log.Main("", fmt.Sprintf("Connection from %s refused: too many connections from that IP address", s.hostAndIdent(false)))
				return false
			}
		}
	}
	if q := int(cfg.Int("smtp_accept_queue")); q > 0 && total > q {
		s.queueOnly = true
	}
	return true
}

// startSession is Exim's smtp_start_session: host checks, the connect
// ACL and the banner. False means the session is over.
func (s *session) startSession() bool {
	cfg := s.srv.Config
	if err := s.setSizeLimit(); err != nil {
		s.srv.Log.Panic("", err.Error())
		s.printf("421 Temporary local problem - please try later\r\n")
		return false
	}
	if !s.local {
		if s.hostMatches("host_lookup") == matchYes {
			s.lookupHostName()
		}
		s.buildFullHost()
		if s.hostMatches("host_reject_connection") == matchYes {
			if s.has(eximlog.ConnectionReject) {
				line := fmt.Sprintf("refused connection from %s (host_reject_connection)", s.hostAndIdent(false))
				s.logMainReject(s.logID(), line, nil)
			}
			s.printf("554 SMTP service not available\r\n")
			return false
		}
		s.allowUnqualSender = s.hostMatches("sender_unqualified_hosts") == matchYes
		s.allowUnqualRcpt = s.hostMatches("recipient_unqualified_hosts") == matchYes
		s.helloRequired = s.hostMatches("helo_verify_hosts") == matchYes
		if !s.helloRequired {
			s.heloVerify = s.hostMatches("helo_try_verify_hosts") == matchYes
		}
		s.heloJunk = s.hostMatches("helo_accept_junk_hosts") == matchYes
	} else {
		// A local caller may send unqualified addresses.
		s.allowUnqualSender, s.allowUnqualRcpt = true, true
	}
	userMsg := ""
	if cfg.IsSet("acl_smtp_connect") {
		out := s.checkACL(acl.WhereConnect, "")
		if out.Result != acl.OK {
			s.handleACLFail(acl.WhereConnect, out)
			return false
		}
		userMsg = out.UserMsg
	}
	banner, code := s.banner(userMsg)
	if banner == "" && code == "" {
		return false
	}
	s.pipeConnectOK = !s.local && s.hostMatches("pipelining_connect_advertise_hosts") == matchYes
	if !s.checkSync() && !s.pipeConnectOK {
		line := fmt.Sprintf("SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from %s input=\"%s\"",
			s.hostAndIdent(true), printing(s.peekPending(128)))
		s.logMainReject(s.logID(), line, nil)
		s.printf("554 SMTP synchronization error\r\n")
		return false
	}
	s.w.WriteString(banner)
	s.w.Flush()
	return true
}

// setSizeLimit expands message_size_limit for this connection.
func (s *session) setSizeLimit() error {
	raw := s.srv.Config.String("message_size_limit")
	v, err := s.ctx.Expand(raw)
	if err != nil {
		return fmt.Errorf("unable to expand message_size_limit: %s", err)
	}
	n, ok := parseSize(strings.TrimSpace(v))
	if !ok {
		return fmt.Errorf("invalid message_size_limit: %s", v)
	}
	s.sizeLimit = n
	return nil
}

// parseSize reads an integer with an optional K, M or G suffix.
func parseSize(v string) (int64, bool) {
	if v == "" {
		return 0, true
	}
	mult := int64(1)
	switch v[len(v)-1] {
	case 'k', 'K':
		mult, v = 1024, v[:len(v)-1]
	case 'm', 'M':
		mult, v = 1024*1024, v[:len(v)-1]
	case 'g', 'G':
		mult, v = 1024*1024*1024, v[:len(v)-1]
	}
	var n int64
	if _, err := fmt.Sscan(v, &n); err != nil || n < 0 {
		return 0, false
	}
	return n * mult, true
}

// banner builds the greeting from smtp_banner (or the connect ACL's
// message); each newline starts another line of the reply.
func (s *session) banner(userMsg string) (string, string) {
	code, esc := "220", ""
	text := userMsg
	if userMsg == "" {
		v, err := s.ctx.Expand(s.srv.Config.String("smtp_banner"))
		if err != nil {
			s.srv.Log.Panic("", fmt.Sprintf("Expansion of \"%s\" (smtp_banner) failed: %s", s.srv.Config.String("smtp_banner"), err))
			s.printf("421 Temporary local problem - please try later\r\n")
			return "", ""
		}
		text = v
	} else {
		c, rest := s.messageCode("220", userMsg)
		text = rest
		code = c[:3]
		if len(c) > 4 {
			esc = c[4:]
		}
	}
	text = strings.TrimRight(text, " \t\r\n")
	var b strings.Builder
	for {
		nl := strings.IndexByte(text, '\n')
		if nl < 0 {
			b.WriteString(code + " " + esc + text + "\r\n")
			break
		}
		b.WriteString(code + "-" + esc + text[:nl] + "\r\n")
		text = text[nl+1:]
	}
	return b.String(), code
}

// logNoMail writes "no MAIL in SMTP connection" when asked to.
func (s *session) logNoMail() {
	if s.mailCount > 0 || !s.has(eximlog.SmtpNoMail) {
		return
	}
	extra := ""
	if s.authName != "" {
		extra += " A=" + s.authName
		if s.authID != "" {
			extra += ":" + s.authID
		}
	}
	extra += s.tlsLog() + s.historyLog()
	s.srv.Log.Main("", fmt.Sprintf("no MAIL in SMTP connection from %s D=%s%s", s.hostAndIdent(false), s.sinceStart(), extra))
}
