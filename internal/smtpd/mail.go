package smtpd

import (
	"exigo/internal/eximlog"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"exigo/internal/acl"
	"exigo/internal/address"
)

// DSN NOTIFY flags as the spool stores them.
const (
	notifyNever   = 0x02
	notifySuccess = 0x04
	notifyFailure = 0x08
	notifyDelay   = 0x10
)

// lastOption takes the last "NAME=value" or "NAME" word off an MAIL or
// RCPT argument, as Exim's extract_option does: the name is letters only
// and there must be something (the address) before it.
func lastOption(data string) (rest, name, value string, ok bool) {
	data = strings.TrimRight(data, " \t")
	i := len(data) - 1
	for i > 0 && data[i] != '=' && data[i] != ' ' && data[i] != '\t' {
		if data[i] == '"' {
			i--
			for i > 1 && data[i] != '"' {
				i--
			}
		}
		i--
	}
	if i <= 0 {
		return data, "", "", false
	}
	if data[i] == '=' {
		n := i
		for n > 0 && isAlpha(data[n-1]) {
			n--
		}
		if n == 0 || (data[n-1] != ' ' && data[n-1] != '\t') {
			return data, "", "", false
		}
		return strings.TrimRight(data[:n-1], " \t"), data[n:i], data[i+1:], true
	}
	word := data[i+1:]
	return strings.TrimRight(data[:i], " \t"), word, word, true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (s *session) cmdMail() int {
	s.had("MAIL")
	s.mailCount++
	s.lastWasRejMail = true
	if !s.heloSeen && (s.helloRequired || s.hostMatches("hosts_require_helo") == matchYes) {
		s.printf("503 HELO or EHLO required\r\n")
		line := fmt.Sprintf("rejected MAIL from %s: no HELO/EHLO given", s.hostAndIdent(false))
		s.logMainReject(s.logID(), line, nil)
		return goOn
	}
	if s.sender != nil {
		return s.synprotError(false, 503, "", "sender already given")
	}
	if s.data == "" {
		return s.synprotError(false, 501, "", "MAIL must have an address operand")
	}
	if max := s.srv.Config.Int("smtp_accept_max_per_connection"); max > 0 && int64(s.mailCount) > max {
		s.printf("421 too many messages in this connection\r\n")
		line := fmt.Sprintf("rejected MAIL command %s: too many messages in one connection", s.hostAndIdent(true))
		s.logMainReject(s.logID(), line, nil)
		return goOn
	}
	s.resetMessage()
	if done, ok := s.mailOptions(); !ok {
		return done
	}
	s.rateDelay("smtp_ratelimit_mail", s.mailCount, &s.mailDelay)
	s.data = s.rewriteSMTP(s.data)
	p, err := address.Options{AllowNull: true}.Extract(s.data)
	if err != nil {
		return s.synprotError(true, 501, s.data, err.Error())
	}
	sender := p.Address
	if s.sizeLimit > 0 && s.messageSize > s.sizeLimit {
		s.printf("552 Message size exceeds maximum permitted\r\n")
		if s.has(eximlog.SizeReject) {
			gt := ""
			if s.messageSize == math.MaxInt32 {
				gt = ">"
			}
			line := fmt.Sprintf("rejected MAIL FROM:<%s> %s: message too big: size%s=%d max=%d", sender, s.hostAndIdent(true), gt, s.messageSize, s.sizeLimit)
			s.logMainReject(s.logID(), line, nil)
		}
		return goOn
	}
	if !s.spoolSpaceOK() {
		s.printf("452 Space shortage, please try later\r\n")
		return goOn
	}
	if p.Domain == "" && sender != "" {
		if !s.allowUnqualSender {
			s.printf("501 %s: sender address must contain a domain\r\n", s.data)
			if s.has(eximlog.SmtpSyntaxError) {
				line := fmt.Sprintf("unqualified sender rejected: <%s> %s%s", sender, s.hostAndIdent(true), s.hostLookupMsg)
				s.logMainReject(s.logID(), line, nil)
			}
			return goOn
		}
		// Exim qualifies the address as given, quotes and all.
		sender = p.Address + "@" + s.srv.Config.QualifyDomain()
	}
	s.sender = &sender
	s.rawSender = sender
	out := acl.Outcome{Result: acl.OK}
	if s.srv.Config.IsSet("acl_smtp_mail") {
		out = s.checkACL(acl.WhereMAIL, "")
		if out.Result == acl.OK && !s.pipeAdvertised && !s.checkSync() {
			return s.syncFailure()
		}
	}
	if out.Result == acl.OK || out.Result == acl.Discard {
		if out.UserMsg == "" {
			s.printf("250 OK\r\n")
		} else {
			s.userMsg("250", out.UserMsg)
		}
		s.rcptDelay = 0
		s.discardedAll = out.Result == acl.Discard
		s.lastWasRejMail = false
		return goOn
	}
	done := s.handleACLFail(acl.WhereMAIL, out)
	s.sender = nil
	if done {
		return doneDrop
	}
	return goOn
}

// mailOptions handles the ESMTP parameters of MAIL from the end of the
// argument; ok=false means a reply has been sent.
func (s *session) mailOptions() (int, bool) {
	if !s.esmtp {
		return goOn, true
	}
	for {
		rest, name, value, ok := lastOption(s.data)
		if !ok {
			return goOn, true
		}
		upper := strings.ToUpper(name)
		// A known option with a bad value ends the options but, unlike an
		// unknown one, is not left in front of the address (Exim cuts each
		// option off before looking at it).
		needValue := upper == "SIZE" || upper == "BODY" || upper == "AUTH" || upper == "RET" || upper == "ENVID"
		if needValue && value == "" {
			s.data = rest
			return goOn, true
		}
		switch upper {
		case "SIZE":
			n, err := strconv.ParseUint(value, 10, 64)
			if err != nil {
				s.data = rest
				return goOn, true
			}
			if n > math.MaxInt32 {
				n = math.MaxInt32
			}
			s.messageSize = int64(n)
		case "BODY":
			if !s.srv.Config.Bool("accept_8bitmime") {
				s.data = rest
				return goOn, true
			}
			switch strings.ToUpper(value) {
			case "8BITMIME":
				s.body8bit = 8
			case "7BIT":
				s.body8bit = 7
			default:
				return s.synprotError(true, 501, "", "invalid data for BODY"), false
			}
		case "RET":
			if s.dsnAdvertised {
				if s.dsnRet != "" {
					return s.synprotError(true, 501, "", "RET can be specified once only"), false
				}
				switch strings.ToUpper(value) {
				case "HDRS", "FULL":
					s.dsnRet = strings.ToUpper(value)
				default:
					return s.synprotError(true, 501, "", "Value for RET is invalid"), false
				}
			}
		case "ENVID":
			if s.dsnAdvertised {
				if s.dsnEnvid != "" {
					return s.synprotError(true, 501, "", "ENVID can be specified once only"), false
				}
				s.dsnEnvid = value
			}
		case "AUTH":
			if done, ok := s.mailAuth(value); !ok {
				return done, false
			}
		case "PRDR":
		case "SMTPUTF8":
			if !s.utf8Advertised {
				return s.synprotError(true, 501, "", "SMTPUTF8 used when not advertised"), false
			}
			s.smtputf8 = true
			s.protocol = s.protocolName()
		default:
			return goOn, true
		}
		s.data = rest
	}
}

// mailAuth handles MAIL ... AUTH=<xtext>: kept as $authenticated_sender
// when the mailauth ACL (or, without one, authentication) allows it.
func (s *session) mailAuth(value string) (int, bool) {
	if value == "<>" {
		return goOn, true
	}
	decoded, ok := xtextDecode(value)
	if !ok {
		return s.synprotError(true, 501, "", "invalid data for AUTH"), false
	}
	s.authSender = decoded
	ignore := "client not authenticated"
	res := acl.Fail
	if s.authName != "" {
		res = acl.OK
	}
	var out acl.Outcome
	if s.srv.Config.IsSet("acl_smtp_mailauth") {
		ignore = "rejected by ACL"
		out = s.checkACL(acl.WhereMAILAUTH, "")
		res = out.Result
	}
	switch res {
	case acl.OK:
	case acl.Fail:
		s.authSender = ""
		s.srv.Log.Main("", fmt.Sprintf("ignoring AUTH=%s from %s (%s)", value, s.hostAndIdent(true), ignore))
	default:
		s.handleACLFail(acl.WhereMAILAUTH, out)
		return goOn, false
	}
	return goOn, true
}

// xtextDecode undoes RFC 3461 xtext ("+2B" for "+").
func xtextDecode(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '+' {
			if i+2 >= len(s) {
				return "", false
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", false
			}
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		if c < 33 || c > 126 || c == '=' {
			return "", false
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// rateDelay applies smtp_ratelimit_mail / _rcpt: "threshold,base,factor,
// limit" for hosts in smtp_ratelimit_hosts.
func (s *session) rateDelay(option string, count int, delay *float64) {
	cfg := s.srv.Config
	if !cfg.IsSet(option) || !cfg.IsSet("smtp_ratelimit_hosts") {
		return
	}
	parts := strings.Split(cfg.String(option), ",")
	if len(parts) != 4 {
		return
	}
	threshold, _ := strconv.Atoi(strings.TrimSpace(parts[0]))
	base, _ := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
	factor, _ := strconv.ParseFloat(strings.TrimSpace(parts[2]), 64)
	limit, _ := strconv.ParseFloat(strings.TrimSpace(parts[3]), 64)
	if count <= threshold || s.hostMatches("smtp_ratelimit_hosts") != matchYes {
		return
	}
	if *delay == 0 {
		*delay = base
	}
	if !s.srv.HostCheck {
		s.w.Flush()
		time.Sleep(time.Duration(*delay * float64(time.Millisecond)))
	}
	*delay *= factor
	if *delay > limit {
		*delay = limit
	}
}

func (s *session) cmdRcpt(lastRejMail bool) int {
	s.had("RCPT")
	s.rcptCount++
	s.lastWasRcpt = true
	s.rcptInProgress = true
	if s.sender == nil {
		s.rcptFail++
		if s.pipeAdvertised && lastRejMail {
			s.printf("503 sender not yet given\r\n")
			s.lastWasRejMail = true
			return goOn
		}
		s.lastWasRcpt = false
		return s.synprotError(false, 503, "", "sender not yet given")
	}
	if s.data == "" {
		s.rcptFail++
		return s.synprotError(true, 501, "", "RCPT must have an address operand")
	}
	orcpt, flags, done, ok := s.rcptOptions()
	if !ok {
		return done
	}
	s.data = s.rewriteSMTP(s.data)
	p, err := address.Options{}.Extract(s.data)
	if err != nil {
		s.rcptFail++
		return s.synprotError(true, 501, s.data, err.Error())
	}
	rcpt := p.Address
	if p.Domain == "" {
		var ok bool
		if rcpt, ok = s.qualifyRecipient(rcpt, "recipient"); !ok {
			s.rcptFail++
			return goOn
		}
	}
	if max := s.srv.Config.Int("recipients_max"); max > 0 && int64(s.rcptCount) > max {
		return s.tooManyRecipients()
	}
	s.rateDelay("smtp_ratelimit_rcpt", s.rcptCount, &s.rcptDelay)
	out := acl.Outcome{Result: acl.Discard}
	if !s.discardedAll {
		out = s.checkACL(acl.WhereRCPT, rcpt)
		if out.Result == acl.OK && !s.pipeAdvertised && !s.checkSync() {
			return s.syncFailure()
		}
	}
	switch out.Result {
	case acl.OK:
		if out.UserMsg != "" {
			s.userMsg("250", out.UserMsg)
		} else {
			s.printf("250 Accepted\r\n")
		}
		s.recipients = append(s.recipients, recipient{address: rcpt, orcpt: orcpt, dsnFlags: flags})
	case acl.Discard:
		if out.UserMsg != "" {
			s.userMsg("250", out.UserMsg)
		} else {
			s.printf("250 Accepted\r\n")
		}
		s.rcptFail++
		s.discarded = true
		what := "RCPT"
		if s.discardedAll {
			what = "MAIL"
		}
		msg := ""
		if out.LogMsg != "" {
			msg = ": " + out.LogMsg
		}
		line := fmt.Sprintf("%s F=<%s> RCPT %s: discarded by %s ACL%s", s.hostAndIdent(true), *s.sender, s.cmdArg, what, msg)
		s.logMainReject(s.logID(), line, nil)
	default:
		if out.Result == acl.Fail || out.Result == acl.FailDrop {
			s.rcptFail++
		} else {
			s.rcptDefer++
		}
		if s.handleACLFail(acl.WhereRCPT, out) {
			return doneDrop
		}
	}
	return goOn
}

// qualifyRecipient is Exim's qualify_recipient, shared by RCPT and VRFY
// (tag "recipient" or "verify"): an address without a domain gets
// qualify_recipient's when the host may send one, or when it is
// postmaster; otherwise the client gets 501 and ok is false.
func (s *session) qualifyRecipient(addr, tag string) (qualified string, ok bool) {
	if s.allowUnqualRcpt || strings.EqualFold(addr, "postmaster") {
		return addr + "@" + s.srv.Config.QualifyRecipient(), true
	}
	s.printf("501 %s: recipient address must contain a domain\r\n", s.data)
	if s.has(eximlog.SmtpSyntaxError) {
		line := fmt.Sprintf("unqualified %s rejected: <%s> %s%s", tag, addr, s.hostAndIdent(true), s.hostLookupMsg)
		s.logMainReject(s.logID(), line, nil)
	}
	return "", false
}

// rcptOptions handles NOTIFY= and ORCPT= when DSN was advertised.
func (s *session) rcptOptions() (orcpt string, flags, done int, ok bool) {
	if !s.esmtp {
		return "", 0, goOn, true
	}
	for {
		rest, name, value, found := lastOption(s.data)
		if !found || !s.dsnAdvertised {
			return orcpt, flags, goOn, true
		}
		switch strings.ToUpper(name) {
		case "ORCPT":
			if orcpt != "" {
				return "", 0, s.synprotError(true, 501, "", "ORCPT can be specified once only"), false
			}
			orcpt = value
		case "NOTIFY":
			if flags != 0 {
				return "", 0, s.synprotError(true, 501, "", "NOTIFY can be specified once only"), false
			}
			if strings.EqualFold(value, "NEVER") {
				flags = notifyNever
				break
			}
			for _, f := range strings.Split(value, ",") {
				switch strings.ToUpper(f) {
				case "SUCCESS":
					flags |= notifySuccess
				case "FAILURE":
					flags |= notifyFailure
				case "DELAY":
					flags |= notifyDelay
				default:
					return "", 0, s.synprotError(true, 501, "", "Invalid value for NOTIFY parameter"), false
				}
			}
		default:
			return orcpt, flags, goOn, true
		}
		s.data = rest
	}
}

func (s *session) tooManyRecipients() int {
	sender := *s.sender
	if s.srv.Config.Bool("recipients_max_reject") {
		s.rcptFail++
		s.printf("552 too many recipients\r\n")
		if !s.tooMany {
			line := fmt.Sprintf("too many recipients: message rejected: sender=<%s> %s", sender, s.hostAndIdent(true))
			s.logMainReject(s.logID(), line, nil)
		}
	} else {
		s.rcptDefer++
		s.printf("452 too many recipients\r\n")
		if !s.tooMany {
			line := fmt.Sprintf("too many recipients: excess temporarily rejected: sender=<%s> %s", sender, s.hostAndIdent(true))
			s.logMainReject(s.logID(), line, nil)
		}
	}
	s.tooMany = true
	return goOn
}
