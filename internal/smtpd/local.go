package smtpd

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"exigo/internal/acl"
	"exigo/internal/address"
)

// LocalMessage describes a message submitted on standard input (-bm, -t,
// the sendmail interface).
type LocalMessage struct {
	In         io.Reader
	Login      string   // the caller
	Sender     string   // envelope sender; "" means <>
	Recipients []string // from the command line
	Extract    bool     // -t: recipients from To:, Cc: and Bcc:
	DotIsData  bool     // -i / -oi
	FullName   string   // -F
	// SenderForced: the sender was given (-f, or a notice's <>), not
	// made from the caller's login.
	SenderForced bool
	// Reference is the message this one reports on (a bounce): R= on the
	// <= log line.
	Reference string
	// Background: delivered in the background even under -odi, as Exim
	// delivers the warnings a transport sends (a quota warning).
	Background bool
}

// ReceiveLocal reads, checks and spools one local message. It returns
// the message id, or an error whose text says why it was not accepted.
func (s *Server) ReceiveLocal(lm LocalMessage) (string, error) {
	sess := newSession(s, Peer{In: lm.In, Out: io.Discard, Ident: lm.Login})
	defer sess.state.Close()
	sess.nonSMTP = true
	sess.protocol = "local"
	if p, ok := sess.peer.Given["received_protocol"]; ok && p != "" {
		sess.protocol = p
	}
	sess.allowUnqualSender, sess.allowUnqualRcpt = true, true
	sender := lm.Sender
	sess.sender = &sender
	sess.fullName = lm.FullName
	sess.senderForced = lm.SenderForced
	sess.reference, sess.background = lm.Reference, lm.Background
	for _, r := range lm.Recipients {
		addr, err := sess.qualifyLocal(r)
		if err != nil {
			return "", err
		}
		sess.recipients = append(sess.recipients, recipient{address: addr})
	}
	sess.extract = lm.Extract
	if s.Config.IsSet("acl_not_smtp_start") {
		out := sess.checkACL(acl.WhereNotSMTPStart, "")
		if out.Result == acl.Error {
			s.Log.Panic("", "ACL for non-SMTP start returned ERROR: "+out.LogMsg)
		}
	}
	src := bufio.NewReader(lm.In)
	if !sess.receiveMessage(src, lm.DotIsData) {
		return "", fmt.Errorf("message not accepted")
	}
	if sess.localErr != nil {
		return "", sess.localErr
	}
	return sess.lastID, nil
}

// qualifyLocal parses a command-line or header address, adding
// qualify_recipient to a bare local part.
func (s *session) qualifyLocal(a string) (string, error) {
	p, err := address.Extract(a)
	if err != nil {
		return "", fmt.Errorf("%s: %s", a, err)
	}
	if p.Domain == "" {
		return address.QuoteLocalPart(p.LocalPart) + "@" + s.srv.Config.QualifyRecipient(), nil
	}
	return p.Address, nil
}

// extractRecipients is -t: the addresses in To:, Cc: and Bcc: become the
// recipients, less any named on the command line; Bcc: is removed.
func (s *session) extractRecipients(msg *message) {
	exclude := map[string]bool{}
	for _, r := range s.recipients {
		exclude[strings.ToLower(r.address)] = true
	}
	s.recipients = nil
	seen := map[string]bool{}
	for _, name := range []string{"to", "cc", "bcc"} {
		for _, v := range msg.Header(name) {
			for _, item := range acl.SplitAddressList(v) {
				if strings.TrimSpace(item) == "" {
					continue
				}
				addr, err := s.qualifyLocal(item)
				if err != nil {
					continue
				}
				key := strings.ToLower(addr)
				if exclude[key] || seen[key] {
					continue
				}
				seen[key] = true
				s.recipients = append(s.recipients, recipient{address: addr})
			}
		}
	}
	msg.remove([]string{"bcc"})
}
