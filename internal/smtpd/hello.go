package smtpd

import (
	"fmt"
	"net/netip"
	"strings"

	"exigo/internal/acl"
	"exigo/internal/auth"
)

// checkHelo validates a HELO/EHLO argument as Exim's check_helo does:
// an address literal, or letters, digits, dots, hyphens and the
// characters of helo_allow_chars.
func (s *session) checkHelo(arg string) bool {
	s.helo = ""
	ok := s.heloJunk
	if !ok {
		if strings.HasPrefix(arg, "[") {
			if strings.HasSuffix(arg, "]") && len(arg) > 2 {
				inner := arg[1 : len(arg)-1]
				switch {
				case len(inner) > 5 && strings.EqualFold(inner[:5], "IPv6:"):
					a, err := netip.ParseAddr(inner[5:])
					ok = err == nil && a.Is6()
				case len(inner) > 5 && strings.EqualFold(inner[:5], "IPv4:"):
					a, err := netip.ParseAddr(inner[5:])
					ok = err == nil && a.Is4()
				default:
					_, err := netip.ParseAddr(inner)
					ok = err == nil
				}
			}
		} else if arg != "" {
			allow := s.srv.Config.String("helo_allow_chars")
			ok = true
			for i := 0; i < len(arg); i++ {
				c := arg[i]
				if !isAlnum(c) && c != '.' && c != '-' && strings.IndexByte(allow, c) < 0 {
					ok = false
					break
				}
			}
		}
	}
	if ok {
		s.helo = arg
	}
	return ok
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (s *session) cmdHello(ehlo bool) int {
	hello := "HELO"
	if ehlo {
		hello = "EHLO"
	}
	s.had(hello)
	s.esmtp = ehlo
	s.nonmailFree["helo"], s.nonmailFree["ehlo"] = false, false
	if !s.checkHelo(s.data) {
		s.printf("501 Syntactically invalid %s argument(s)\r\n", hello)
		arg := "(no argument given)"
		if s.cmdArg != "" {
			arg = printing(s.cmdArg)
		}
		line := fmt.Sprintf("rejected %s from %s: syntactically invalid argument(s): %s", hello, s.hostAndIdent(false), arg)
		s.logMainReject(s.logID(), line, nil)
		s.synprotErrors++
		if s.synprotErrors > int(s.srv.Config.Int("smtp_max_synprot_errors")) {
			line := fmt.Sprintf("SMTP call from %s dropped: too many syntax or protocol errors (last command was \"%s\", %s)",
				s.hostAndIdent(false), printing(s.cmd), s.historyLog()) // ", %s" with " C=...": two spaces, as Exim
			s.logMainReject(s.logID(), line, nil)
			return doneDrop
		}
		return goOn
	}
	if !s.local {
		// Only the first word counts, lower-cased.
		h := s.helo
		if i := strings.IndexAny(h, " \t"); i >= 0 {
			h = h[:i]
		}
		s.helo = strings.ToLower(h)
		s.heloLookupDomains()
		s.buildFullHost()
		if s.helloRequired || s.heloVerify {
			if verified, temp := s.verifyHelo(); !verified && s.helloRequired {
				code := 550
				pre := ""
				if temp {
					code, pre = 451, "temporarily "
				}
				s.printf("%d %s argument does not match calling host\r\n", code, hello)
				line := fmt.Sprintf("%srejected \"%s %s\" from %s", pre, hello, s.helo, s.hostAndIdent(false))
				s.logMainReject(s.logID(), line, nil)
				return goOn
			}
		}
	}
	userMsg := ""
	if s.srv.Config.IsSet("acl_smtp_helo") {
		out := s.checkACL(acl.WhereHELO, "")
		if out.Result != acl.OK {
			done := s.handleACLFail(acl.WhereHELO, out)
			s.helo = ""
			s.buildFullHost()
			if done {
				return doneDrop
			}
			return goOn
		}
		if !s.pipeConnectOK && !s.checkSync() {
			return s.syncFailure()
		}
		userMsg = out.UserMsg
	}
	s.w.WriteString(s.helloReply(ehlo, userMsg))
	s.heloSeen = true
	s.protocol = s.protocolName()
	s.resetMessage()
	s.tooMany = false
	return goOn
}

// helloReply builds the whole HELO/EHLO reply, to send in one write.
func (s *session) helloReply(ehlo bool, userMsg string) string {
	s.authAdvertised, s.pipeAdvertised, s.tlsAdvertised = false, false, false
	s.dsnAdvertised, s.utf8Advertised = false, false
	var b strings.Builder
	code := "250"
	if userMsg == "" {
		name := s.helo
		if s.hostName != "" {
			name = s.hostName
		}
		ident := ""
		if s.ident != "" {
			ident = s.ident + " at "
		}
		fmt.Fprintf(&b, "250 %s Hello %s%s", s.activeHostname, ident, name)
		if !s.local {
			fmt.Fprintf(&b, " [%s]", s.hostAddress())
		}
	} else {
		c, text := s.messageCode("250", userMsg)
		if i := strings.IndexAny(text, "\r\n"); i >= 0 {
			s.srv.Log.Panic("", "EHLO/HELO response must not contain newlines: message truncated: "+printing(c+text))
			text = text[:i]
		}
		code = c[:3]
		b.WriteString(c + text)
	}
	b.WriteString("\r\n")
	if !ehlo {
		return b.String()
	}
	out := []byte(b.String())
	out[3] = '-'
	b.Reset()
	b.Write(out)
	line := func(kw string) { b.WriteString(code + "-" + kw + "\r\n") }
	if s.sizeLimit > 0 {
		line(fmt.Sprintf("SIZE %d", s.sizeLimit))
	} else {
		line("SIZE")
	}
	cfg := s.srv.Config
	if cfg.Bool("accept_8bitmime") {
		line("8BITMIME")
	}
	if s.hostMatches("dsn_advertise_hosts") != matchNo {
		line("DSN")
		s.dsnAdvertised = true
	}
	if cfg.IsSet("acl_smtp_etrn") {
		line("ETRN")
	}
	if cfg.IsSet("acl_smtp_vrfy") {
		line("VRFY")
	}
	if cfg.IsSet("acl_smtp_expn") {
		line("EXPN")
	}
	if _, off := s.state.Control("no_pipelining"); !off && s.hostMatches("pipelining_advertise_hosts") == matchYes {
		line("PIPELINING")
		s.pipeAdvertised = true
		if s.pipeConnectOK {
			line("PIPECONNECT")
		}
	}
	if kw := s.authKeyword(); kw != "" {
		b.WriteString(code + "-" + kw + "\r\n")
		s.authAdvertised = true
	}
	if s.hostMatches("chunking_advertise_hosts") != matchNo {
		line("CHUNKING")
		s.chunkingOffered = true
	}
	if !s.tlsActive && s.srv.TLS != nil && s.hostMatches("tls_advertise_hosts") != matchNo {
		line("STARTTLS")
		s.tlsAdvertised = true
	}
	if cfg.Bool("prdr_enable") {
		line("PRDR")
	}
	if cfg.Bool("accept_8bitmime") && s.hostMatches("smtputf8_advertise_hosts") != matchNo {
		line("SMTPUTF8")
		s.utf8Advertised = true
	}
	b.WriteString(code + " HELP\r\n")
	return b.String()
}

// authKeyword is "AUTH MECH ..." for the authenticators advertised to
// this host, or "".
func (s *session) authKeyword() string {
	s.advertisedAuths = map[*auth.Instance]bool{}
	if len(s.srv.Auths) == 0 || s.hostMatches("auth_advertise_hosts") != matchYes {
		return ""
	}
	var adv []*auth.Instance
	for _, a := range s.srv.Auths {
		if a.Server == nil {
			continue // a client-side authenticator only
		}
		ok, panicLog := a.Advertised(s.ctx.Expand)
		if panicLog != "" {
			s.srv.Log.Panic("", panicLog)
		}
		if ok {
			s.advertisedAuths[a] = true
			adv = append(adv, a)
		}
	}
	return auth.EHLOKeyword(adv)
}

// verifyHelo checks the HELO name against the calling host: an address
// literal must be its address; a name must be its verified name, or have
// its address among the name's A/AAAA records.
func (s *session) verifyHelo() (verified, tempFail bool) {
	h := s.helo
	if h == "" {
		return false, false
	}
	if s.local {
		return true, false
	}
	addr := s.hostAddress()
	if h[0] == '[' {
		return strings.HasPrefix(h[1:], addr) || strings.HasPrefix(h[1:], strings.TrimPrefix(addr, "::ffff:")), false
	}
	s.lookupHostName()
	if s.hostName != "" && strings.EqualFold(s.hostName, h) {
		return true, false
	}
	addrs, err := s.ctx.Lists.HostAddrs(h)
	if err != nil {
		return false, false
	}
	for _, a := range addrs {
		if a == addr {
			return true, false
		}
	}
	return false, false
}
