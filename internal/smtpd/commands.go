package smtpd

import (
	"errors"
	"exigo/internal/eximlog"
	"fmt"
	"strings"
	"syscall"
	"time"

	"exigo/internal/acl"
	"exigo/internal/conf"
)

// Loop results, as Exim's smtp_setup_msg counts them.
const (
	goOn     = 0
	doneDrop = 1 // connection lost or dropped
	doneQuit = 2
	doneData = 3 // a message's data follows
)

// newMessageSetup starts a new transaction: one RSET, HELO/EHLO and
// STARTTLS each are free of the non-mail command count.
func (s *session) newMessageSetup() {
	s.resetMessage()
	for _, n := range []string{"rset", "helo", "ehlo", "starttls"} {
		s.nonmailFree[n] = true
	}
}

// setupMessage runs commands until DATA/BDAT starts a message (true) or
// the session ends (false).
func (s *session) setupMessage() bool {
	s.newMessageSetup()
	for {
		was := s.lastWasRejMail
		wasRcpt := s.lastWasRcpt
		s.lastWasRejMail, s.lastWasRcpt = false, false
		code := s.readCommand(!s.pipeConnectOK)
		done := s.dispatch(code, was, wasRcpt)
		switch done {
		case doneData:
			return true
		case doneQuit, doneDrop:
			return false
		}
	}
}

func (s *session) dispatch(code cmdCode, lastRejMail, lastRcpt bool) int {
	switch code {
	case cmdHELO, cmdEHLO:
		return s.cmdHello(code == cmdEHLO)
	case cmdAUTH:
		return s.cmdAuth()
	case cmdMAIL:
		return s.cmdMail()
	case cmdRCPT:
		return s.cmdRcpt(lastRejMail)
	case cmdDATA, cmdBDAT:
		return s.cmdData(code == cmdBDAT, lastRcpt)
	case cmdVRFY:
		return s.cmdVrfy()
	case cmdEXPN:
		return s.cmdExpn()
	case cmdSTARTTLS:
		return s.cmdStartTLS()
	case cmdQUIT:
		s.quitHandler()
		return doneQuit
	case cmdRSET:
		s.rsetHandler()
		s.resetMessage()
		return goOn
	case cmdNOOP:
		s.had("NOOP")
		s.printf("250 OK\r\n")
		return goOn
	case cmdHELP:
		s.cmdHelp()
		return goOn
	case cmdETRN:
		return s.cmdEtrn()
	case cmdEOF:
		return s.lostConnection()
	case cmdTimeout:
		return s.commandTimeout()
	case cmdBadArg:
		return s.synprotError(true, 501, "", "unexpected argument data")
	case cmdBadChar:
		s.synprotError(true, 0, "", "NUL character(s) present (shown as '?')")
		s.printf("501 NUL characters are not allowed in SMTP commands\r\n")
		return goOn
	case cmdBadSync:
		return s.syncFailure()
	case cmdTooManyNonmail:
		return s.tooManyNonmail()
	}
	return s.unknownCommand()
}

// had records a command for the C= list of "no MAIL" and drop lines.
func (s *session) had(name string) {
	s.history = append(s.history, name)
	if len(s.history) > 20 {
		s.history = s.history[1:]
	}
}

func (s *session) historyLog() string {
	if len(s.history) == 0 {
		return ""
	}
	prefix := " C="
	if len(s.history) >= 20 {
		prefix = " C=..."
	}
	return prefix + strings.Join(s.history, ",")
}

// synprotError logs a syntax (syntax=true) or protocol error and sends
// code with the message; over smtp_max_synprot_errors the connection is
// dropped.
func (s *session) synprotError(syntax bool, code int, data, msg string) int {
	kind, sel := "protocol", eximlog.SmtpProtocolError
	if syntax {
		kind, sel = "syntax", eximlog.SmtpSyntaxError
	}
	if s.has(sel) {
		s.srv.Log.Main("", fmt.Sprintf("SMTP %s error in \"%s\" %s %s", kind, printing(s.cmd), s.hostAndIdent(true), msg))
	}
	yield := goOn
	s.synprotErrors++
	if s.synprotErrors > int(s.srv.Config.Int("smtp_max_synprot_errors")) {
		yield = doneDrop
		line := fmt.Sprintf("SMTP call from %s dropped: too many syntax or protocol errors (last command was \"%s\", %s)",
			s.hostAndIdent(false), printing(s.cmd), s.historyLog()) // ", %s" with " C=...": two spaces, as Exim
		s.logMainReject(s.logID(), line, nil)
	}
	if code > 0 {
		sepc := " "
		if yield == doneDrop {
			sepc = "-"
		}
		if data != "" {
			data += ": "
		}
		s.printf("%d%s%s%s\r\n", code, sepc, data, msg)
		if yield == doneDrop {
			s.printf("%d Too many syntax or protocol errors\r\n", code)
		}
	}
	return yield
}

func (s *session) unknownCommand() int {
	s.unknownCommands++
	if s.unknownCommands > int(s.srv.Config.Int("smtp_max_unknown_commands")) {
		if s.has(eximlog.SmtpSyntaxError) {
			s.srv.Log.Main("", fmt.Sprintf("SMTP syntax error in \"%s\" %s unrecognized command", printing(s.cmd), s.hostAndIdent(true)))
		}
		s.incompleteTransaction("unrecognized command")
		s.notQuit("bad-commands", "500", "Too many unrecognized commands")
		line := fmt.Sprintf("SMTP call from %s dropped: too many unrecognized commands (last was \"%s\")", s.hostAndIdent(false), printing(s.cmd))
		s.logMainReject(s.logID(), line, nil)
		return doneQuit
	}
	return s.synprotError(true, 500, "", "unrecognized command")
}

func (s *session) syncFailure() int {
	pending := s.peekPending(150)
	s.incompleteTransaction("sync failure")
	was := " not"
	if s.pipeAdvertised {
		was = ""
	}
	line := fmt.Sprintf("SMTP protocol synchronization error (next input sent too soon: pipelining was%s advertised): rejected \"%s\" %s next input=\"%s\"",
		was, printing(s.cmd), s.hostAndIdent(true), printing(pending))
	s.logMainReject(s.logID(), line, nil)
	s.notQuit("synchronization-error", "554", "SMTP synchronization error")
	return doneDrop
}

// peekPending returns up to n bytes of input already received.
func (s *session) peekPending(n int) string {
	if s.r.Buffered() == 0 && s.pendingInput() && s.conn != nil {
		s.conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		s.r.Peek(1)
		s.conn.SetReadDeadline(time.Time{})
	}
	k := s.r.Buffered()
	if k > n {
		k = n
	}
	b, _ := s.r.Peek(k)
	return string(b)
}

func (s *session) tooManyNonmail() int {
	first := s.cmd
	if i := strings.IndexAny(first, " \t"); i >= 0 {
		first = first[:i]
	}
	s.incompleteTransaction("too many non-mail commands")
	line := fmt.Sprintf("SMTP call from %s dropped: too many nonmail commands (last was \"%s\")", s.hostAndIdent(false), first)
	s.logMainReject(s.logID(), line, nil)
	s.notQuit("bad-commands", "554", "Too many nonmail commands")
	return doneDrop
}

func (s *session) lostConnection() int {
	s.incompleteTransaction("connection lost")
	s.notQuit("connection-lost", "421", s.activeHostname+" lost input connection")
	if s.sender != nil || len(s.recipients) > 0 {
		if s.has(eximlog.LostIncomingConnection) {
			what := "disconnection"
			if s.local {
				what = "EOF"
			}
			s.srv.Log.Main("", fmt.Sprintf("unexpected %s while reading SMTP command from %s D=%s", what, s.hostAndIdent(false), s.sinceStart()))
		}
	} else if s.has(eximlog.SmtpConnection) {
		s.srv.Log.Main("", fmt.Sprintf("%s lost D=%s", s.connectionInfo(), s.sinceStart()))
	}
	return doneDrop
}

func (s *session) commandTimeout() int {
	if s.has(eximlog.LostIncomingConnection) {
		tls := ""
		if s.tlsActive {
			tls = " TLS"
		}
		s.srv.Log.Main("", fmt.Sprintf("SMTP command timeout on%s connection from %s", tls, s.hostAndIdent(false)))
	}
	s.notQuit("command-timeout", "421", s.activeHostname+": SMTP command timeout - closing connection")
	return doneDrop
}

func (s *session) sinceStart() string {
	d := s.srv.now().Sub(s.start)
	if s.has(eximlog.Millisec) {
		return fmt.Sprintf("%.3fs", d.Seconds())
	}
	return conf.FormatTime(d.Truncate(1e9))
}

// incompleteTransaction logs an abandoned transaction when the
// smtp_incomplete_transaction selector asks for it.
func (s *session) incompleteTransaction(what string) {
	if s.sender == nil || !s.has(eximlog.SmtpIncompleteTransaction) {
		return
	}
	rcpts := make([]string, len(s.recipients))
	for i, r := range s.recipients {
		rcpts[i] = r.address
	}
	line := fmt.Sprintf("%s incomplete transaction (%s) F=<%s>", s.hostAndIdent(true), what, *s.sender)
	if len(rcpts) > 0 {
		line += " for " + strings.Join(rcpts, " ")
	}
	s.srv.Log.Main("", line)
}

// notQuit runs the not-QUIT ACL and sends the closing reply (Exim's
// smtp_notquit_exit). reason "" skips the ACL; code "" sends nothing.
func (s *session) notQuit(reason, code, text string) {
	if s.dropped {
		return
	}
	s.dropped = true
	userMsg := ""
	if reason != "" && s.srv.Config.IsSet("acl_smtp_notquit") {
		s.state.Vars["smtp_notquit_reason"] = reason
		out := s.checkACL(acl.WhereNotQuit, "")
		if out.Result == acl.Error {
			s.srv.Log.Panic("", "ACL for not-QUIT returned ERROR: "+out.LogMsg)
		}
		userMsg = out.UserMsg
	}
	if code != "" && text != "" {
		if userMsg != "" {
			s.respond(code, true, userMsg)
		} else {
			s.printf("%s %s\r\n", code, text)
		}
	}
	s.w.Flush()
}

func (s *session) quitHandler() {
	s.had("QUIT")
	s.quit = true
	s.incompleteTransaction("QUIT")
	userMsg := ""
	if s.srv.Config.IsSet("acl_smtp_quit") {
		out := s.checkACL(acl.WhereQuit, "")
		if out.Result == acl.Error {
			s.srv.Log.Panic("", "ACL for QUIT returned ERROR: "+out.LogMsg)
		}
		userMsg = out.UserMsg
	}
	if userMsg != "" {
		s.respond("221", true, userMsg)
	} else {
		s.printf("221 %s closing connection\r\n", s.activeHostname)
	}
	err := s.w.Flush()
	reset := isReset(err)
	if !reset {
		reset = s.waitForClose()
	}
	if s.tlsActive && !reset {
		reset = isReset(s.conn.Close())
	}
	if s.has(eximlog.SmtpConnection) {
		s.srv.Log.Main("", s.connectionInfo()+" closed by QUIT")
	}
	if reset && s.has(eximlog.ProtocolDetail) {
		tls := ""
		if s.tlsActive {
			tls = " and TLS close"
		}
		s.srv.Log.Main("", fmt.Sprintf("[%s] after QUIT, client reset TCP before SMTP response%s", s.hostAddress(), tls))
	}
}

// waitForClose gives the client a moment to close first (so that it,
// not the server, keeps TIME_WAIT), and reports a TCP reset instead.
func (s *session) waitForClose() bool {
	if s.conn == nil {
		return false
	}
	s.conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	var b [1]byte
	_, err := s.conn.Read(b[:])
	return isReset(err)
}

// isReset reports a connection reset (or a write to a reset socket).
func isReset(err error) bool {
	return err != nil && (errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE))
}

func (s *session) rsetHandler() {
	s.had("RSET")
	s.incompleteTransaction("RSET")
	s.printf("250 Reset OK\r\n")
	s.nonmailFree["rset"] = false
}

func (s *session) cmdHelp() {
	s.had("HELP")
	b := " AUTH"
	if !s.tlsActive && s.srv.TLS != nil && s.hostMatches("tls_advertise_hosts") != matchNo {
		b += " STARTTLS"
	}
	b += " HELO EHLO MAIL RCPT DATA BDAT NOOP QUIT RSET HELP"
	if s.srv.Config.IsSet("acl_smtp_etrn") {
		b += " ETRN"
	}
	if s.srv.Config.IsSet("acl_smtp_expn") {
		b += " EXPN"
	}
	if s.srv.Config.IsSet("acl_smtp_vrfy") {
		b += " VRFY"
	}
	s.printf("214-Commands supported:\r\n")
	s.printf("214%s\r\n", b)
}

// printing makes a string safe for a log line as Exim's string_printing
// does: non-printing characters become escapes.
func printing(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 32 || c == 127:
			fmt.Fprintf(&b, "\\%03o", c)
		case c > 127:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
