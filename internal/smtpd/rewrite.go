package smtpd

import (
	"exigo/internal/eximlog"
	"exigo/internal/rewrite"
	"exigo/internal/spool"
)

// rules are the configuration's rewrite rules, read once per server.
func (s *session) rules() rewrite.Rules {
	srv := s.srv
	srv.rwOnce.Do(func() {
		// The configuration reader has checked them already.
		srv.rw, _ = rewrite.FromConfig(srv.Config.Rewrite)
	})
	return srv.rw
}

// rewriter is the rewriting environment of this session: its expansion
// variables, qualify domains and log.
func (s *session) rewriter() *rewrite.Env {
	id := s.messageID
	return &rewrite.Env{
		Ctx:              s.ctx,
		QualifySender:    s.srv.Config.QualifyDomain(),
		QualifyRecipient: s.srv.Config.QualifyRecipient(),
		LogRewrites:      s.has(eximlog.AddressRewrite),
		Log:              func(l string) { s.srv.Log.Main(id, l) },
		Panic:            func(l string) { s.srv.Log.Panic(id, l) },
	}
}

// rewriteSMTP applies the S rules to a MAIL or RCPT argument as soon as
// it is read (ESMTP options already removed), before any syntax check.
// Exim 4.96 treats a MAIL argument as a recipient here: it is logged as
// "smtp recipient" and may not become <> (only -brw allows that).
func (s *session) rewriteSMTP(data string) string {
	rules := s.rules()
	if rules.Exist&rewrite.SMTP == 0 {
		return data
	}
	return s.rewriter().One(rules, data, rewrite.SMTP).Address
}

// rewriteRecipients rewrites the envelope recipients (T rules) once the
// headers are in, recording each old address in an X-rewrote- line that
// is kept in the -H file marked deleted.
func (s *session) rewriteRecipients(msg *message) {
	rules := s.rules()
	if rules.Empty() {
		return
	}
	s.rawRecipients = make([]string, len(s.recipients))
	e := s.rewriter()
	for i := range s.recipients {
		s.rawRecipients[i] = s.recipients[i].address
		r := e.Address(rules, s.recipients[i].address, true)
		s.recipients[i].address = r.Address
		msg.noteRewrites("original-recipient", r.Olds)
	}
}

// rewriteSender rewrites a non-empty envelope sender (F rules).
func (s *session) rewriteSender(msg *message) {
	rules := s.rules()
	if rules.Empty() || s.sender == nil || *s.sender == "" {
		return
	}
	r := s.rewriter().Address(rules, *s.sender, false)
	sender := r.Address
	s.sender = &sender
	msg.noteRewrites("sender", r.Olds)
}

// rewriteHeaders qualifies and rewrites the addresses of the message's
// own header lines (not ours, not those ACLs add later): a changed line
// is kept marked deleted and its new version follows it.
func (s *session) rewriteHeaders(msg *message) {
	rules := s.rules()
	allow := rewrite.Allow{Sender: s.allowUnqualSender, Recipient: s.allowUnqualRcpt}
	if !s.local && rules.Exist&rewrite.AllHeaders == 0 && !allow.Sender && !allow.Recipient {
		return // nothing could change
	}
	e := s.rewriter()
	for i := 0; i < len(msg.lines); i++ {
		l := msg.lines[i]
		if l.Type == spool.HeaderOld || rewrite.HeaderFlag(l.Text) == 0 {
			continue
		}
		text, changed := e.Header(rules, l.Text, allow)
		if !changed {
			continue
		}
		msg.lines[i].Type = spool.HeaderOld
		msg.insert(i+1, spool.HeaderLine{Type: l.Type, Text: text})
		i++
	}
}

// noteRewrites adds Exim's X-rewrote-name lines, deleted from the start.
func (m *message) noteRewrites(name string, olds []string) {
	for _, old := range olds {
		m.lines = append(m.lines, spool.HeaderLine{Type: spool.HeaderOld, Text: "X-rewrote-" + name + ": " + old + "\n"})
	}
}
