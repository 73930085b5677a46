package smtpd

import (
	"exigo/internal/eximlog"
	"fmt"
	"strings"

	"exigo/internal/acl"
)

// checkACL runs the ACL for where (recipient for RCPT and VRFY).
func (s *session) checkACL(where acl.Where, recipient string) acl.Outcome {
	return s.aclEnv.Check(where, recipient)
}

// aclRefuses runs the ACL for where and, when it does not accept, answers
// and logs through handleACLFail; next is then the command loop's result.
func (s *session) aclRefuses(where acl.Where, recipient string) (next int, refused bool) {
	out := s.checkACL(where, recipient)
	if out.Result == acl.OK {
		return goOn, false
	}
	if s.handleACLFail(where, out) {
		return doneDrop, true
	}
	return goOn, true
}

// handleACLFail replies to and logs an ACL that did not accept, as Exim's
// smtp_handle_acl_fail does. It reports whether the connection must be
// dropped.
func (s *session) handleACLFail(where acl.Where, out acl.Outcome) bool {
	drop := out.Result == acl.FailDrop
	rc := out.Result
	if drop {
		rc = acl.Fail
	}
	def := "451"
	if rc == acl.Fail {
		def = where.RejectCode()
	}
	userMsg, logMsg := out.UserMsg, out.LogMsg
	code := def
	if userMsg != "" {
		var rest string
		if where == acl.WhereVRFY {
			if n := codeLength(userMsg); n > 0 {
				code, rest = userMsg[:n], userMsg[n:]
			} else {
				rest = userMsg
			}
		} else {
			code, rest = s.messageCode(def, userMsg)
			// A log message taken from the user message keeps its code,
			// but shows the code actually used when the given one was
			// refused (Exim's smtp_message_code).
			if logMsg == userMsg && codeLength(userMsg) > 0 && userMsg[0] != def[0] {
				logMsg = def + " " + rest
			}
		}
		userMsg = rest
	}
	s.senderVerifyFailure(rc, code)
	if rc == acl.Fail {
		if userMsg == "" {
			userMsg = "Administrative prohibition"
		}
		s.respond(code, true, userMsg)
	} else if out.TempDetails && userMsg != "" {
		s.respond(code, true, userMsg)
	} else {
		s.respond(code, true, "Temporary local problem - please try later")
	}
	s.logRejection(where, rc, logMsg, out)
	if !drop {
		return false
	}
	if s.has(eximlog.SmtpConnection) {
		s.srv.Log.Main("", s.connectionInfo()+" closed by DROP in ACL")
	}
	s.notQuit("acl-drop", "", "")
	return true
}

// logRejection writes "H=... F=<...> rejected RCPT <x>: why" to the logs
// the ACL's log_reject_target names.
func (s *session) logRejection(where acl.Where, rc acl.Result, logMsg string, out acl.Outcome) {
	if out.RejectTarget != nil && len(out.RejectTarget) == 0 {
		return
	}
	what := s.rejectWhat(where)
	senderInfo := ""
	switch where {
	case acl.WhereRCPT, acl.WhereDATA, acl.WhereMIME:
		senderInfo = "F=<" + s.senderAddress() + ">"
		if s.authName != "" {
			senderInfo += " A=" + s.authName
			if s.authID != "" {
				senderInfo += ":" + s.authID
			}
		}
		senderInfo += " "
	}
	if i := strings.IndexByte(logMsg, '\n'); i >= 0 {
		logMsg = logMsg[:i]
	}
	if logMsg != "" {
		logMsg = ": " + logMsg
	}
	temp := ""
	if rc != acl.Fail {
		temp = "temporarily "
	}
	line := fmt.Sprintf("%s%s %s%srejected %s%s", s.hostAndIdent(true), s.tlsLog(), senderInfo, temp, what, logMsg)
	if where == acl.WhereConnect && !s.has(eximlog.ConnectionReject) {
		return
	}
	var to eximlog.Dest
	for log, d := range map[string]eximlog.Dest{"main": eximlog.ToMain, "reject": eximlog.ToReject, "panic": eximlog.ToPanic} {
		if out.LogsTo(log) {
			to |= d
		}
	}
	if to != 0 {
		s.srv.Log.Write(eximlog.Entry{To: to, ID: s.logID(), Text: line, Headers: s.rejectHeaders()})
	}
}

// logMainReject writes a line to the main and reject logs at once.
func (s *session) logMainReject(id, line string, hdr *eximlog.RejectHeaders) {
	s.srv.Log.Write(eximlog.Entry{To: eximlog.ToMain | eximlog.ToReject, ID: id, Text: line, Headers: hdr})
}

// logID is the message id log lines carry: the message being received;
// under -bh, as in Exim, the last message's id stays set afterwards.
func (s *session) logID() string {
	if s.messageID == "" && s.srv.HostCheck {
		return s.lastID
	}
	return s.messageID
}

// rejectWhat names the rejected thing: "RCPT <x@y>", "after DATA" ...
func (s *session) rejectWhat(where acl.Where) string {
	switch where {
	case acl.WhereMIME:
		return "during MIME ACL checks"
	case acl.WherePredata:
		return "DATA"
	case acl.WhereDATA:
		return "after DATA"
	case acl.WherePRDR:
		return "after DATA PRDR"
	}
	place := s.cmdText()
	if s.cmd == "" {
		place = "in \"connect\" ACL"
	}
	if where == acl.WhereAUTH {
		if i := strings.IndexAny(place, " \t"); i >= 0 {
			place = place[:i]
		}
	} else if len(place) > 100 {
		place = place[:100]
	}
	return where.Name() + " " + place
}

// tlsLog is the " X=cipher ..." part of a log line.
func (s *session) tlsLog() string {
	if s.tlsCipher == "" {
		return ""
	}
	out := ""
	if s.has(eximlog.TLSCipher) {
		out += " X=" + s.tlsCipher
	}
	if s.has(eximlog.TLSPeerDN) && s.tlsPeerDN != "" {
		out += " DN=\"" + s.tlsPeerDN + "\""
	}
	if s.has(eximlog.TLSSNI) && s.tlsSNI != "" {
		out += " SNI=" + s.tlsSNI
	}
	return out
}

// rejectHeaders are the envelope and header lines the reject log gets
// for a rejection after DATA.
func (s *session) rejectHeaders() *eximlog.RejectHeaders {
	if s.logRejectionHeaders == nil {
		return nil
	}
	rh := &eximlog.RejectHeaders{Sender: s.senderAddress()}
	for _, r := range s.recipients {
		rh.Recipients = append(rh.Recipients, r.address)
	}
	for _, l := range s.logRejectionHeaders.lines {
		rh.Headers = append(rh.Headers, eximlog.Header{Type: l.Type, Text: l.Text})
	}
	return rh
}

// senderVerifyFailure reports a failed sender verification once: the
// detail lines before a 5xx reply, and the "sender verify fail" log line.
func (s *session) senderVerifyFailure(rc acl.Result, code string) {
	f := s.state.SenderFailure
	if f == nil || f.Told() {
		return
	}
	f.Tell()
	inProgress := s.rcptInProgress
	s.rcptInProgress = false
	if rc != acl.Fail || s.has(eximlog.SenderVerifyFail) {
		what := "fail"
		if f.Defer {
			what = "defer"
		}
		line := fmt.Sprintf("%s sender verify %s for <%s>: %s", s.hostAndIdent(true), what, f.Address, f.Message)
		s.logMainReject(s.logID(), line, nil)
	}
	if rc == acl.Fail && !f.Defer {
		s.respond(code, false, fmt.Sprintf("Verification failed for <%s>\n%s", f.Address, f.Message))
	}
	s.rcptInProgress = inProgress
}
