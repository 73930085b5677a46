package smtpd

import (
	"crypto/tls"
	"exigo/internal/eximlog"
	"exigo/internal/expand"
	"fmt"
	"strings"

	"exigo/internal/acl"
	"exigo/internal/address"
)

// VerifyFunc routes an address in verify mode (the routers, once they
// exist): OK, Fail or Defer with the message for the client.
type VerifyFunc func(ctx *expand.Context, address string, recipient bool) (acl.Result, string)

func (s *session) verify(addr string, recipient bool) (acl.Result, string) {
	if s.srv.Verify == nil {
		return acl.Fail, "Unrouteable address"
	}
	return s.srv.Verify(s.ctx, addr, recipient)
}

func (s *session) cmdVrfy() int {
	s.had("VRFY")
	p, err := address.Options{}.Extract(s.data)
	if err != nil {
		s.printf("501 %s\r\n", err.Error())
		return goOn
	}
	addr := p.Address
	if p.Domain == "" {
		var ok bool
		if addr, ok = s.qualifyRecipient(addr, "verify"); !ok {
			return goOn
		}
	}
	if next, refused := s.aclRefuses(acl.WhereVRFY, addr); refused {
		return next
	}
	res, msg := s.verify(addr, true)
	switch res {
	case acl.OK:
		s.printf("250 <%s> is deliverable\r\n", addr)
	case acl.Defer:
		if msg != "" {
			s.printf("451 <%s> %s\r\n", addr, msg)
		} else {
			s.printf("451 Cannot resolve <%s> at this time\r\n", addr)
		}
	default:
		if msg != "" {
			s.printf("550 <%s> %s\r\n", addr, msg)
		} else {
			s.printf("550 <%s> is not deliverable\r\n", addr)
		}
		s.srv.Log.Main("", fmt.Sprintf("VRFY failed for %s %s", s.cmdArg, s.hostAndIdent(true)))
	}
	return goOn
}

func (s *session) cmdExpn() int {
	s.had("EXPN")
	if next, refused := s.aclRefuses(acl.WhereEXPN, ""); refused {
		return next
	}
	// EXPN answers in Exim's address-test style: no router message.
	switch res, _ := s.verify(s.data, true); res {
	case acl.OK:
		s.printf("250 <%s>\r\n", s.data)
	case acl.Defer:
		s.printf("553 %s cannot be resolved at this time\r\n", s.data)
	default:
		s.printf("553 %s is undeliverable\r\n", s.data)
	}
	return goOn
}

func (s *session) cmdEtrn() int {
	s.had("ETRN")
	if s.sender != nil {
		return s.synprotError(false, 503, "", "ETRN is not permitted inside a transaction")
	}
	if s.has(eximlog.Etrn) {
		s.srv.Log.Main("", fmt.Sprintf("ETRN %s received from %s", s.cmdArg, s.hostAndIdent(false)))
	}
	out := s.checkACL(acl.WhereETRN, "")
	if out.Result != acl.OK {
		if s.handleACLFail(acl.WhereETRN, out) {
			return doneDrop
		}
		return goOn
	}
	if !s.srv.Config.IsSet("smtp_etrn_command") && !strings.HasPrefix(s.data, "#") {
		return s.synprotError(true, 501, "", "argument must begin with #")
	}
	if !s.srv.HostCheck && s.srv.ETRN != nil {
		s.srv.ETRN(strings.TrimPrefix(s.data, "#"))
	}
	if out.UserMsg != "" {
		s.userMsg("250", out.UserMsg)
	} else {
		s.printf("250 OK\r\n")
	}
	return goOn
}

// cmdStartTLS starts TLS on the connection; afterwards the client must
// say EHLO again and all earlier knowledge is dropped.
func (s *session) cmdStartTLS() int {
	s.had("STARTTLS")
	if !s.tlsAdvertised {
		return s.synprotError(false, 503, "", "STARTTLS command used when not advertised")
	}
	if s.srv.Config.IsSet("acl_smtp_starttls") {
		if next, refused := s.aclRefuses(acl.WhereSTARTTLS, ""); refused {
			return next
		}
	}
	s.incompleteTransaction("STARTTLS")
	s.resetMessage()
	s.nonmailFree["starttls"] = false
	if s.conn == nil {
		// -bh, -bs: Exim goes ahead, and its TLS library cannot read
		// the handshake from standard input.
		s.printf("220 TLS go ahead\r\n")
		s.w.Flush()
		s.tlsFailed("Error in the pull function.")
		return doneDrop
	}
	if s.conn == nil || s.srv.TLS == nil {
		s.printf("454 TLS currently unavailable\r\n")
		return goOn
	}
	// Input sent after STARTTLS but before the handshake is dropped: it
	// must not be taken as coming over TLS.
	if n := s.r.Buffered(); n > 0 {
		s.r.Discard(n)
	}
	s.printf("220 TLS go ahead\r\n")
	s.w.Flush()
	tc := tls.Server(s.conn, s.srv.TLS)
	if err := tc.Handshake(); err != nil {
		s.tlsFailed(err.Error())
		return doneDrop
	}
	st := tc.ConnectionState()
	s.conn = tc
	s.r.Reset(tc)
	s.w.Reset(tc)
	s.tlsActive = true
	s.tlsCipher = cipherName(st)
	s.tlsVersion = tlsVersionName(st.Version)
	s.tlsSNI = st.ServerName
	if len(st.PeerCertificates) > 0 {
		s.tlsPeerDN = st.PeerCertificates[0].Subject.String()
	}
	s.heloSeen, s.esmtp, s.authAdvertised, s.pipeAdvertised = false, false, false, false
	s.nonmailFree["ehlo"] = true
	if s.helo != "" {
		s.helo = ""
	}
	s.authName, s.authPubName, s.authID = "", "", ""
	s.protocol = s.protocolName()
	return goOn
}

// tlsFailed logs a failed server handshake as Debian's Exim (GnuTLS)
// does; the connection is then dropped.
func (s *session) tlsFailed(reason string) {
	from := s.fullHost(false)
	if from == "" {
		from = s.peer.Ident // -bs: the caller's login
	}
	s.srv.Log.Main("", fmt.Sprintf("TLS error on connection from %s (gnutls_handshake): %s", from, reason))
	s.notQuit("tls-failed", "", "")
}

// cipherName is Exim's X= text for a Go TLS connection, in the OpenSSL
// style Debian's Exim logs ("TLS1.3:TLS_AES_256_GCM_SHA384:256").
func cipherName(st tls.ConnectionState) string {
	name := tls.CipherSuiteName(st.CipherSuite)
	bits := 128
	if strings.Contains(name, "256") || strings.Contains(name, "CHACHA20") {
		bits = 256
	}
	return fmt.Sprintf("%s:%s:%d", tlsVersionName(st.Version), name, bits)
}

func tlsVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLS1.0"
	case tls.VersionTLS11:
		return "TLS1.1"
	case tls.VersionTLS12:
		return "TLS1.2"
	case tls.VersionTLS13:
		return "TLS1.3"
	}
	return "TLS"
}
