package spool

import (
	"strconv"
	"strings"
	"time"
)

// option reads one "-name value" line. As in Exim, a second "-" marks
// tainted data and unknown names are ignored, so that files of other
// versions can be read.
func (p *hparser) option(h *Header, l string) error {
	v := Var{}
	s := l[1:]
	if strings.HasPrefix(s, "-") {
		v.Tainted, s = true, s[1:]
		if strings.HasPrefix(s, "(") {
			if end := strings.IndexByte(s, ')'); end > 0 {
				v.Quoter, s = s[1:end], s[end+1:]
			}
		}
	}
	name, value, _ := strings.Cut(s, " ")
	v.Value = value
	if ok, err := p.aclOption(h, name, value, v); ok || err != nil {
		return err
	}
	if f := flagOption(h, name); f != nil {
		*f = true
		return nil
	}
	if f := varOption(h, name); f != nil {
		*f = v
		return nil
	}
	return p.valueOption(h, name, v)
}

// flagOption is the field of a line without a value.
func flagOption(h *Header, name string) *bool {
	switch name {
	case "allow_unqualified_recipient":
		return &h.AllowUnqualifiedRecipient
	case "allow_unqualified_sender":
		return &h.AllowUnqualifiedSender
	case "deliver_firsttime":
		return &h.DeliverFirsttime
	case "N":
		return &h.DontDeliver
	case "host_lookup_deferred":
		return &h.HostLookupDeferred
	case "host_lookup_failed":
		return &h.HostLookupFailed
	case "local":
		return &h.Local
	case "localerror":
		return &h.LocalError
	case "manual_thaw":
		return &h.ManualThaw
	case "sender_set_untrusted":
		return &h.SenderSetUntrusted
	case "spool_file_wireformat":
		return &h.Wireformat
	case "smtputf8":
		return &h.SMTPUTF8
	case "tls_certificate_verified":
		return &h.TLSCertificateVerified
	}
	return nil
}

// varOption is the field of a string variable line.
func varOption(h *Header, name string) *Var {
	switch name {
	case "helo_name":
		return &h.HeloName
	case "host_name":
		return &h.HostName
	case "host_auth":
		return &h.HostAuth
	case "host_auth_pubname":
		return &h.HostAuthPubname
	case "active_hostname":
		return &h.ActiveHostname
	case "ident":
		return &h.Ident
	case "received_protocol":
		return &h.ReceivedProtocol
	case "auth_id":
		return &h.AuthID
	case "auth_sender":
		return &h.AuthSender
	case "local_scan":
		return &h.LocalScan
	case "spam_bar":
		return &h.SpamBar
	case "spam_score":
		return &h.SpamScore
	case "spam_score_int":
		return &h.SpamScoreInt
	case "tls_cipher":
		return &h.TLSCipher
	case "tls_peerdn":
		return &h.TLSPeerDN
	case "tls_sni":
		return &h.TLSSNI
	case "tls_ver":
		return &h.TLSVer
	}
	return nil
}

func (p *hparser) valueOption(h *Header, name string, v Var) error {
	value := v.Value
	switch name {
	case "received_time_usec":
		if usec, ok := scanInts(strings.TrimPrefix(value, "."), 1); ok {
			h.Received = time.Unix(h.Received.Unix(), usec[0]*1000)
		}
	case "received_time_complete":
		h.ReceivedComplete = parseSecUsec(value)
	case "host_address":
		h.HostAddress, h.HostPort = splitPort(v)
	case "interface_address":
		h.InterfaceAddress, h.InterfacePort = splitPort(v)
	case "body_linecount":
		h.BodyLinecount = atoi(value)
	case "body_zerocount":
		h.BodyZerocount = atoi(value)
	case "max_received_linelength":
		h.MaxReceivedLinelength = atoi(value)
	case "frozen":
		at, ok := scanInts(value, 1)
		if !ok {
			return p.fail("bad -frozen line")
		}
		h.Frozen, h.FrozenAt = true, time.Unix(at[0], 0)
	case "debug_selector":
		sel, _ := strconv.ParseUint(strings.TrimPrefix(value, "0x"), 16, 32)
		h.DebugSelector = uint32(sel)
	case "debuglog_name":
		h.DebugLogName = value
	case "tls_peercert":
		h.TLSPeerCert = value
	case "tls_ourcert":
		h.TLSOurCert = value
	case "tls_ocsp":
		if value != "" {
			h.TLSOCSP = int(value[0]) - '0'
		}
	case "tls_resumption":
		if value != "" {
			h.TLSResumption = int(value[0]) - 'A'
		}
	case "utf8_downcvt":
		h.UTF8Downconvert = 1
	case "utf8_optdowncvt":
		h.UTF8Downconvert = -1
	case "dsn_envid":
		h.DSNEnvID = value
	case "dsn_ret":
		h.DSNRet = atoi(value)
	}
	return nil
}

func parseSecUsec(s string) time.Time {
	sec, usec, _ := strings.Cut(s, ".")
	n, ok := scanInts(sec, 1)
	if !ok {
		return time.Time{}
	}
	u, _ := scanInts(usec, 1)
	var us int64
	if len(u) == 1 {
		us = u[0]
	}
	return time.Unix(n[0], us*1000)
}

// aclOption reads "-aclc name length" and "-aclm name length", whose value
// follows on the next line(s), and the old "-acl number length".
func (p *hparser) aclOption(h *Header, name, rest string, v Var) (bool, error) {
	var varName string
	switch name {
	case "aclc", "aclm":
		sp := strings.IndexByte(rest, ' ')
		if sp < 0 {
			return true, p.fail("bad ACL variable line")
		}
		varName = name[3:] + rest[:sp]
		rest = rest[sp:]
	case "acl":
		n, ok := scanInts(rest, 1)
		if !ok || n[0] < 0 || n[0] >= 20 {
			return true, p.fail("bad ACL variable line")
		}
		varName = "c" + strconv.FormatInt(n[0], 10)
		if n[0] >= 10 {
			varName = "m" + strconv.FormatInt(n[0]-10, 10)
		}
		rest = strings.TrimLeft(rest, " ")
		rest = strings.TrimLeft(rest, "0123456789")
	default:
		return false, nil
	}
	count, ok := scanInts(rest, 1)
	if !ok || count[0] < 0 {
		return true, p.fail("bad ACL variable length")
	}
	value, err := p.take(int(count[0]))
	if err != nil {
		return true, err
	}
	v.Value = value
	h.ACLVars = append(h.ACLVars, ACLVar{Name: varName, Var: v})
	return true, nil
}

// take reads an ACL variable's value of n bytes and the newline after it.
func (p *hparser) take(n int) (string, error) {
	if p.pos+n > len(p.data) {
		return "", p.fail("ACL variable value cut short")
	}
	s := string(p.data[p.pos : p.pos+n])
	p.pos += n
	if p.pos < len(p.data) {
		p.pos++ // the newline after the value
	}
	return s, nil
}

// splitPort takes the port off "[address]:port" (Exim 4.96) or
// "address.port" (older files); the port is 0 when it cannot be read.
func splitPort(v Var) (Var, int) {
	s := v.Value
	if strings.HasPrefix(s, "[") {
		rb := strings.IndexByte(s, ']')
		if rb < 0 {
			return v, 0
		}
		port := 0
		switch after := s[rb+1:]; {
		case strings.HasPrefix(after, ":"):
			n, err := strconv.Atoi(after[1:])
			if err != nil {
				return v, 0
			}
			port = n
		case after != "":
			return v, 0
		}
		v.Value = s[1:rb]
		return v, port
	}
	dot := portDot(s)
	if dot < 0 {
		return v, 0
	}
	n, err := strconv.Atoi(s[dot+1:])
	if err != nil {
		return v, 0
	}
	v.Value = s[:dot]
	return v, n
}

// portDot finds the dot before the port: the fourth dot of an IPv4
// address, the first dot of an IPv6 one.
func portDot(s string) int {
	skip := -3
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ':':
			skip = 0
		case '.':
			if skip >= 0 {
				return i
			}
			skip++
		}
	}
	return -1
}
