package deliver

import (
	"fmt"
	"strings"

	"exigo/internal/eximlog"
	"exigo/internal/item"
	"exigo/internal/syserr"
)

// logAddress is how Exim names an address in delivery lines: a local
// delivery shows the local part then the envelope address in <>; a
// redirected address shows the address it came from.
func logAddress(a *item.Address, local bool) string {
	out := a.Address
	switch {
	case a.Pipe != "":
		out = a.Pipe
	case a.File != "":
		out = a.File
	case local:
		out = a.LocalPart
	}
	if top := a.Top(); out != top.Address {
		out += " <" + top.Address + ">"
	}
	return out
}

func (r *attempt) isLocal(a *item.Address) bool {
	t := r.d.Transports[a.Transport]
	return t != nil && t.Local()
}

// logDelivery writes "=> addr R=router T=transport H=host [ip] C=..."
// (discard: "=> :blackhole: <addr> R=router").
func (r *attempt) logDelivery(a *item.Address, discarded bool) {
	r.logOutput(a)
	var b strings.Builder
	if discarded {
		b.WriteString("=> :blackhole: <" + a.Address + ">")
		if a.Router != "" {
			b.WriteString(" R=" + a.Router)
		}
		r.d.Log.Main(r.id, b.String())
		return
	}
	b.WriteString("=> " + logAddress(a, r.isLocal(a)))
	b.WriteString(routeInfo(a))
	sel := r.d.Log.Selector()
	if h := a.HostUsed; h != nil {
		b.WriteString(" H=" + h.Name + " [" + h.Address + "]")
		if sel.Has(eximlog.OutgoingPort) && h.Port != 0 {
			fmt.Fprintf(&b, ":%d", h.Port)
		}
		if a.Continued {
			b.WriteString("*")
		}
	}
	b.WriteString(a.ShadowMessage) // local deliveries only
	if a.TLSCipher != "" && sel.Has(eximlog.TLSCipher) {
		b.WriteString(" X=" + a.TLSCipher)
	}
	if a.TLSCipher != "" && sel.Has(eximlog.TLSCertificateVerified) && a.TLSVerified != "" {
		b.WriteString(" CV=" + a.TLSVerified)
	}
	if a.TLSPeerDN != "" && sel.Has(eximlog.TLSPeerDN) {
		b.WriteString(" DN=\"" + a.TLSPeerDN + "\"")
	}
	if a.Authenticator != "" {
		b.WriteString(" A=" + a.Authenticator)
		if a.AuthID != "" {
			b.WriteString(":" + a.AuthID)
		}
	}
	if a.Chunking {
		b.WriteString(" K")
	}
	if a.SMTPConfirmation != "" && sel.Has(eximlog.SmtpConfirmation) {
		b.WriteString(" C=" + confirmationField(a.SMTPConfirmation))
	}
	r.d.Log.Main(r.id, b.String())
	r.msglogSuccess(a)
	r.msgEvent("msg:delivery", a)
}

// confirmationField is the C= value as Exim 4.96 writes it: the first
// 1024 bytes of the reply (already in printing form) in double quotes,
// with only '"' and '\' escaped; a tab, say, stays as it is.
func confirmationField(reply string) string {
	reply = reply[:min(len(reply), 1024)]
	var b strings.Builder
	b.Grow(len(reply) + 2)
	b.WriteByte('"')
	for i := 0; i < len(reply); i++ {
		if reply[i] == '"' || reply[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(reply[i])
	}
	b.WriteByte('"')
	return b.String()
}

func routeInfo(a *item.Address) string {
	out := ""
	if a.Router != "" {
		out += " R=" + a.Router
	}
	if a.Transport != "" {
		out += " T=" + a.Transport
	}
	return out
}

// logFailure writes "** addr R=router T=transport: message".
func (r *attempt) logFailure(a *item.Address) {
	r.logOutput(a)
	msg := a.Message
	if msg == "" {
		msg = "Unrouteable address"
	}
	r.msgEvent("msg:fail:delivery", a)
	line := "** " + logAddress(a, false) + routeInfo(a)
	if a.HostUsed != nil {
		line += " H=" + a.HostUsed.Name + " [" + a.HostUsed.Address + "]"
	}
	r.d.Log.Main(r.id, line+": "+msg)
	r.msglog(strings.TrimPrefix(line, "** ") + ": " + msg)
}

// logDeferral writes "== addr R=router T=transport defer (errno): message".
func (r *attempt) logDeferral(a *item.Address) {
	r.logOutput(a)
	line := "== " + logAddress(a, false) + routeInfo(a)
	if a.Router == "" && a.Transport == "" {
		line += " routing" // deferred before any router ran
	}
	line += fmt.Sprintf(" defer (%d)", a.BasicErrno)
	// Exim: the system error's text, the host, then the message.
	if a.BasicErrno > 0 {
		line += ": " + syserr.Number(a.BasicErrno)
	}
	if h := a.HostUsed; h != nil {
		line += " H=" + h.Name + " [" + h.Address + "]"
	}
	if a.Message != "" {
		line += ": " + a.Message
	}
	r.d.Log.Main(r.id, line)
	r.msglogDeferral(strings.TrimPrefix(line, "== "), a)
}
