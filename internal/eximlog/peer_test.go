package eximlog

import "testing"

// The expectations are Exim 4.96's "rejected RCPT" lines for exim -bs
// with -oMa, -oMs, -oMt and -oMi, and its daemon's connection lines.
func TestHostAndIdent(t *testing.T) {
	sel, _ := ParseSelector("+incoming_port +incoming_interface")
	for _, tc := range []struct {
		p    Peer
		want string
	}{
		{Peer{Address: "192.0.2.1", Port: 1234, Helo: "[192.0.2.1]", Ident: "root"},
			"H=([192.0.2.1]) [192.0.2.1]:1234 U=root"},
		{Peer{Address: "::1", Port: 1234, Helo: "[IPv6:::1]", Ident: "root"},
			"H=([IPv6:::1]) [::1]:1234 U=root"},
		{Peer{Address: "192.0.2.1", Port: 1234, Name: "host.example", Helo: "host.example", Ident: "root"},
			"H=host.example [192.0.2.1]:1234 U=root"},
		{Peer{Address: "192.0.2.1", Port: 1234, Name: "host.example", Helo: "HOST.Example", Ident: "root"},
			"H=host.example [192.0.2.1]:1234 U=root"},
		{Peer{Address: "192.0.2.1", Port: 1234, Name: "host.example", Helo: "other.example", Ident: "idt"},
			"H=host.example (other.example) [192.0.2.1]:1234 U=idt"},
		{Peer{Address: "192.0.2.1", Port: 1234, Name: "host.example", Helo: "[192.0.2.1]", Ident: "root"},
			"H=host.example [192.0.2.1]:1234 U=root"},
		{Peer{Address: "::1", Port: 25, Name: "h", Helo: "[ipv6:0:0::1]"}, "H=h [::1]:25"},
		{Peer{Address: "192.0.2.1", Helo: "[192.0.2.1]", Ident: "root"},
			"H=([192.0.2.1]) [192.0.2.1] U=root"},
		{Peer{Address: "192.0.2.1", Port: 1234, Helo: "x", Ident: "root", IfaceAddress: "10.0.0.1"},
			"H=(x) [192.0.2.1]:1234 I=[10.0.0.1]:0 U=root"},
		{Peer{Address: "192.0.2.1", Port: 1234}, "H=[192.0.2.1]:1234"},
		{Peer{Ident: "root"}, "U=root"},
		{Peer{}, "U=unknown"},
	} {
		if got := sel.HostAndIdent(tc.p, true); got != tc.want {
			t.Errorf("%+v:\n got %s\nwant %s", tc.p, got, tc.want)
		}
	}
	p := Peer{Address: "192.0.2.1", Port: 1234, Helo: "x", IfaceAddress: "10.0.0.1", IfacePort: 25}
	if got := DefaultSelector().HostAndIdent(p, false); got != "(x) [192.0.2.1]" {
		t.Errorf("default selector, no flag: %s", got)
	}
}

func TestConnectionFrom(t *testing.T) {
	p := Peer{Address: "127.0.0.1", Port: 48256, IfaceAddress: "127.0.0.1", IfacePort: 2525}
	sel, _ := ParseSelector("+incoming_port +incoming_interface")
	if got := sel.ConnectionFrom(p); got != "[127.0.0.1]:48256 I=[127.0.0.1]:2525" {
		t.Errorf("got %s", got)
	}
	if got := DefaultSelector().ConnectionFrom(p); got != "[127.0.0.1]" {
		t.Errorf("default: %s", got)
	}
}

// Seen in Exim 4.96's Received: headers (from $sender_rcvhost).
// The port shows with +incoming_port only.
func TestRcvHost(t *testing.T) {
	sel := DefaultSelector().With(IncomingPort)
	for _, tc := range []struct {
		p    Peer
		want string
	}{
		{Peer{Address: "192.0.2.1", Port: 1234, Helo: "client.example", Ident: "root"},
			"[192.0.2.1] (port=1234 helo=client.example ident=root)"},
		{Peer{Address: "192.0.2.1", Port: 1234, Helo: "[192.0.2.1]", Ident: "root"},
			"[192.0.2.1] (port=1234 ident=root)"},
		{Peer{Address: "192.0.2.1"}, "[192.0.2.1]"},
		{Peer{Address: "192.0.2.1", Port: 25, Ident: "u"}, "[192.0.2.1] (port=25 ident=u)"},
		{Peer{Address: "192.0.2.1", Name: "h.example", Helo: "x", Ident: "u"},
			"h.example\n\t([192.0.2.1] helo=x ident=u)"},
		{Peer{Address: "192.0.2.1", Name: "h.example", Helo: "x"}, "h.example ([192.0.2.1] helo=x)"},
		{Peer{Address: "192.0.2.1", Name: "h.example", Helo: "H.example"}, "h.example ([192.0.2.1])"},
		{Peer{Address: "192.0.2.1", Name: "h.example", Ident: "u"}, "h.example ([192.0.2.1] ident=u)"},
	} {
		if got := sel.RcvHost(tc.p); got != tc.want {
			t.Errorf("%+v:\n got %q\nwant %q", tc.p, got, tc.want)
		}
	}
	p := Peer{Address: "192.0.2.1", Port: 1234, Helo: "x"}
	if got := DefaultSelector().RcvHost(p); got != "[192.0.2.1] (helo=x)" {
		t.Errorf("default selector: %q", got)
	}
}
