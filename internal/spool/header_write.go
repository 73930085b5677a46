package spool

import (
	"bytes"
	"fmt"
	"strconv"
)

// Encode returns the -H file as Exim 4.96's spool_write_header writes it.
func (h *Header) Encode() []byte {
	var b bytes.Buffer
	b.Grow(1024 + 64*len(h.Recipients) + headersLen(h.Headers))
	e := encoder{&b}
	e.envelope(h)
	e.connection(h)
	e.aclVars(h.ACLVars)
	e.state(h)
	e.tls(h)
	e.trailer(h)
	h.NonRecipients.write(&b)
	e.recipients(h.Recipients)
	b.WriteByte('\n')
	e.headers(h.Headers)
	return b.Bytes()
}

func headersLen(hs []HeaderLine) int {
	n := 0
	for _, l := range hs {
		n += len(l.Text) + 5
	}
	return n
}

type encoder struct{ b *bytes.Buffer }

func (e encoder) line(s string) {
	e.b.WriteString(s)
	e.b.WriteByte('\n')
}

func (e encoder) flag(on bool, s string) {
	if on {
		e.line(s)
	}
}

func (e encoder) num(prefix string, n int64) {
	e.b.WriteString(prefix)
	e.b.WriteString(strconv.FormatInt(n, 10))
	e.b.WriteByte('\n')
}

// dashes writes the line start: "-", a second "-" for tainted data, and
// the quoter in parentheses when there is one.
func (e encoder) dashes(v Var, withQuoter bool) {
	e.b.WriteByte('-')
	if v.Tainted || v.Quoter != "" {
		e.b.WriteByte('-')
	}
	if withQuoter && v.Quoter != "" {
		e.b.WriteByte('(')
		e.b.WriteString(v.Quoter)
		e.b.WriteByte(')')
	}
}

// variable writes "-name value" with Exim's taint marks, when set.
func (e encoder) variable(name string, v Var) {
	if v.Value == "" {
		return
	}
	e.dashes(v, true)
	e.b.WriteString(name)
	e.b.WriteByte(' ')
	e.line(v.Value)
}

func (e encoder) envelope(h *Header) {
	e.line(h.ID + "-H")
	login := h.Originator
	if len(login) > 63 {
		login = login[:63]
	}
	fmt.Fprintf(e.b, "%s %d %d\n<%s>\n%d %d\n", login, h.UID, h.GID,
		h.Sender, h.Received.Unix(), h.WarningCount)
	fmt.Fprintf(e.b, "-received_time_usec .%06d\n", h.Received.Nanosecond()/1000)
	done := h.ReceivedComplete
	if done.IsZero() {
		done = h.Received
	}
	fmt.Fprintf(e.b, "-received_time_complete %d.%06d\n", done.Unix(), done.Nanosecond()/1000)
}

func (e encoder) connection(h *Header) {
	e.variable("helo_name", h.HeloName)
	if h.HostAddress.Value != "" {
		e.dashes(h.HostAddress, false)
		fmt.Fprintf(e.b, "host_address [%s]:%d\n", h.HostAddress.Value, h.HostPort)
		e.variable("host_name", h.HostName)
	}
	e.variable("host_auth", h.HostAuth)
	e.variable("host_auth_pubname", h.HostAuthPubname)
	if h.InterfaceAddress.Value != "" {
		e.dashes(h.InterfaceAddress, false)
		fmt.Fprintf(e.b, "interface_address [%s]:%d\n", h.InterfaceAddress.Value, h.InterfacePort)
	}
	e.variable("active_hostname", h.ActiveHostname)
	e.variable("ident", h.Ident)
	e.variable("received_protocol", h.ReceivedProtocol)
}

// aclVars writes the variables as Exim's tree_walk does: the connection
// variables, then the message ones, each set in the preorder of the
// balanced tree that creating them in the given order builds. A name given
// twice keeps its first place and its last value.
func (e encoder) aclVars(vars []ACLVar) {
	for _, kind := range []byte{'c', 'm'} {
		var tree *AddrTree
		last := map[string]ACLVar{}
		for _, v := range vars {
			if v.Name != "" && v.Name[0] == kind {
				tree, _ = tree.Insert(v.Name)
				last[v.Name] = v
			}
		}
		tree.preorder(func(name string) { e.aclVar(last[name]) })
	}
}

// aclVar writes "-aclc name length", then the value on the next line(s).
func (e encoder) aclVar(v ACLVar) {
	e.dashes(v.Var, true)
	e.b.WriteString("acl")
	e.b.WriteString(v.Name[:1])
	e.b.WriteByte(' ')
	e.b.WriteString(v.Name[1:])
	e.num(" ", int64(len(v.Value)))
	e.line(v.Value)
}

func (e encoder) state(h *Header) {
	if h.DebugLogName != "" {
		fmt.Fprintf(e.b, "-debug_selector 0x%x\n-debuglog_name %s\n", h.DebugSelector, h.DebugLogName)
	}
	if h.Wireformat {
		e.line("-spool_file_wireformat")
	} else {
		e.num("-body_linecount ", int64(h.BodyLinecount))
	}
	e.num("-max_received_linelength ", int64(h.MaxReceivedLinelength))
	if h.BodyZerocount > 0 {
		e.num("-body_zerocount ", int64(h.BodyZerocount))
	}
	e.variable("auth_id", h.AuthID)
	e.variable("auth_sender", h.AuthSender)
	e.flag(h.AllowUnqualifiedRecipient, "-allow_unqualified_recipient")
	e.flag(h.AllowUnqualifiedSender, "-allow_unqualified_sender")
	e.flag(h.DeliverFirsttime, "-deliver_firsttime")
	if h.Frozen {
		e.num("-frozen ", h.FrozenAt.Unix())
	}
	e.flag(h.DontDeliver, "-N")
	e.flag(h.HostLookupDeferred, "-host_lookup_deferred")
	e.flag(h.HostLookupFailed, "-host_lookup_failed")
	e.flag(h.Local, "-local")
	e.flag(h.LocalError, "-localerror")
	e.variable("local_scan", h.LocalScan)
	e.variable("spam_bar", h.SpamBar)
	e.variable("spam_score", h.SpamScore)
	e.variable("spam_score_int", h.SpamScoreInt)
	e.flag(h.ManualThaw, "-manual_thaw")
	e.flag(h.SenderSetUntrusted, "-sender_set_untrusted")
}

func (e encoder) tls(h *Header) {
	e.flag(h.TLSCertificateVerified, "-tls_certificate_verified")
	e.variable("tls_cipher", h.TLSCipher)
	if h.TLSPeerCert != "" {
		e.line("--tls_peercert " + h.TLSPeerCert)
	}
	e.variable("tls_peerdn", h.TLSPeerDN)
	e.variable("tls_sni", h.TLSSNI)
	if h.TLSOurCert != "" {
		e.line("-tls_ourcert " + h.TLSOurCert)
	}
	if h.TLSOCSP != 0 {
		e.num("-tls_ocsp ", int64(h.TLSOCSP))
	}
	if !h.NoTLSResumption {
		e.line("-tls_resumption " + string(rune('A'+h.TLSResumption)))
	}
	e.variable("tls_ver", h.TLSVer)
}

func (e encoder) trailer(h *Header) {
	if h.SMTPUTF8 {
		e.line("-smtputf8")
		switch {
		case h.UTF8Downconvert > 0:
			e.line("-utf8_downcvt")
		case h.UTF8Downconvert < 0:
			e.line("-utf8_optdowncvt")
		}
	}
	if h.DSNEnvID != "" {
		e.line("-dsn_envid " + h.DSNEnvID)
	}
	if h.DSNRet != 0 {
		e.num("-dsn_ret ", int64(h.DSNRet))
	}
}

// recipients writes the count, then one line each. Exim adds the extra
// fields "orcpt len,dsnflags errors_to len,pno#3" only when there is a
// one_time parent, an errors_to or DSN flags (not for an ORCPT alone).
func (e encoder) recipients(rs []Recipient) {
	e.num("", int64(len(rs)))
	for _, r := range rs {
		if r.OneTimeParent == 0 && r.ErrorsTo == "" && r.DSNFlags == 0 {
			e.line(r.Address)
			continue
		}
		fmt.Fprintf(e.b, "%s %s %d,%d %s %d,%d#3\n", r.Address, r.ORCPT, len(r.ORCPT),
			r.DSNFlags, r.ErrorsTo, len(r.ErrorsTo), r.OneTimeParent-1)
	}
}

// headers writes each header preceded by its length (at least three
// digits) and its type letter.
func (e encoder) headers(hs []HeaderLine) {
	var num [8]byte
	for _, l := range hs {
		n := strconv.AppendInt(num[:0], int64(len(l.Text)), 10)
		for i := len(n); i < 3; i++ {
			e.b.WriteByte('0')
		}
		e.b.Write(n)
		t := l.Type
		if t == 0 {
			t = HeaderOther
		}
		e.b.WriteByte(t)
		e.b.WriteByte(' ')
		e.b.WriteString(l.Text)
	}
}
