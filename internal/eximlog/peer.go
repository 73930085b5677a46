package eximlog

import (
	"net/netip"
	"strconv"
	"strings"
)

// Peer is what Exim knows of an SMTP client when it writes log lines.
type Peer struct {
	Address string // sender_host_address; "" for a local caller
	Port    int    // sender_host_port; 0 when unknown
	Name    string // sender_host_name, once looked up and verified
	Helo    string // sender_helo_name, as given
	Ident   string // sender_ident (RFC 1413, or the login for local -bs)

	IfaceAddress string // interface_address; "" when unknown
	IfacePort    int    // interface_port
}

// FullHost is $sender_fullhost, as Exim builds it for log lines:
// "name (helo) [ip]:port". The helo is left out when it matches the name
// or, with a name, the IP literal; the port needs +incoming_port. It is
// "" for a local caller.
func (s Selector) FullHost(p Peer) string {
	if p.Address == "" {
		return ""
	}
	addr := s.bracketed(p)
	if p.Name == "" {
		if p.Helo != "" {
			return "(" + p.Helo + ") " + addr
		}
		return addr
	}
	if showHelo(p) && !strings.EqualFold(p.Name, p.Helo) {
		return p.Name + " (" + p.Helo + ") " + addr
	}
	return p.Name + " " + addr
}

// RcvHost is $sender_rcvhost, the "from" part of Exim's Received: header.
func (s Selector) RcvHost(p Peer) string {
	if p.Address == "" {
		return ""
	}
	addr := s.bracketed(p)
	helo := showHelo(p)
	if p.Name == "" {
		return unverifiedRcvHost(addr, p, helo)
	}
	if helo && !strings.EqualFold(p.Name, p.Helo) {
		if p.Ident != "" {
			return p.Name + "\n\t(" + addr + " helo=" + p.Helo + " ident=" + p.Ident + ")"
		}
		return p.Name + " (" + addr + " helo=" + p.Helo + ")"
	}
	if p.Ident != "" {
		return p.Name + " (" + addr + " ident=" + p.Ident + ")"
	}
	return p.Name + " (" + addr + ")"
}

// unverifiedRcvHost is "[ip] (port=n helo=x ident=y)" for a host with no
// verified name.
func unverifiedRcvHost(addr string, p Peer, helo bool) string {
	ip, port, hasPort := strings.Cut(addr, "]:")
	if hasPort {
		ip += "]"
	}
	var extra []string
	if hasPort {
		extra = append(extra, "port="+port)
	}
	if helo {
		extra = append(extra, "helo="+p.Helo)
	}
	if p.Ident != "" {
		extra = append(extra, "ident="+p.Ident)
	}
	if len(extra) == 0 {
		return ip
	}
	return ip + " (" + strings.Join(extra, " ") + ")"
}

// HostAndIdent is Exim's host_and_ident(): "H=<fullhost> I=[ip]:port
// U=<ident>" for a remote host (I= with +incoming_interface), or
// "U=<ident>" ("U=unknown") for a local caller. Without flag the first
// "H=" or "U=" is left off.
func (s Selector) HostAndIdent(p Peer, flag bool) string {
	if p.Address == "" {
		ident := p.Ident
		if ident == "" {
			ident = "unknown"
		}
		if flag {
			return "U=" + ident
		}
		return ident
	}
	var b strings.Builder
	if flag {
		b.WriteString("H=")
	}
	b.WriteString(s.FullHost(p))
	if s.Has(IncomingInterface) && p.IfaceAddress != "" {
		b.WriteString(" I=[" + p.IfaceAddress + "]:" + strconv.Itoa(p.IfacePort))
	}
	if p.Ident != "" {
		b.WriteString(" U=" + p.Ident)
	}
	return b.String()
}

// ConnectionFrom is how the daemon names a new connection, as in "SMTP
// connection from [ip]:port I=[ip]:port (TCP/IP connection count = 1)":
// the port with +incoming_port, the interface with +incoming_interface.
func (s Selector) ConnectionFrom(p Peer) string {
	out := "[" + p.Address + "]"
	if s.Has(IncomingPort) {
		out += ":" + strconv.Itoa(p.Port)
	}
	if s.Has(IncomingInterface) {
		out += " I=[" + p.IfaceAddress + "]:" + strconv.Itoa(p.IfacePort)
	}
	return out
}

// bracketed is "[ip]", with ":port" for +incoming_port and a known port.
func (s Selector) bracketed(p Peer) string {
	if s.Has(IncomingPort) && p.Port > 0 {
		return "[" + p.Address + "]:" + strconv.Itoa(p.Port)
	}
	return "[" + p.Address + "]"
}

// showHelo is false when there is no HELO name or it is an IP literal
// for the client's own address ("[IPv6:...]" and "[IPv4:...]" allowed).
func showHelo(p Peer) bool {
	h := p.Helo
	if h == "" {
		return false
	}
	if len(h) < 2 || h[0] != '[' || h[len(h)-1] != ']' {
		return true
	}
	inner := h[1 : len(h)-1]
	if len(inner) >= 5 && (strings.EqualFold(inner[:5], "IPv6:") || strings.EqualFold(inner[:5], "IPv4:")) {
		inner = inner[5:]
	}
	helo, err := netip.ParseAddr(inner)
	if err != nil || helo.Zone() != "" {
		return true
	}
	client, err := netip.ParseAddr(p.Address)
	return err != nil || helo != client
}
