package smtp

import (
	"strings"
	"testing"

	"exigo/internal/dnsx"
	"exigo/internal/dnsx/dnstest"
	"exigo/internal/item"
	"exigo/internal/transport"
)

func TestSplitPort(t *testing.T) {
	for _, tc := range []struct {
		in   string
		name string
		port int
	}{
		{"mx.example.com", "mx.example.com", 0},
		{"mx.example.com:2525", "mx.example.com", 2525},
		{"127.0.0.1:26", "127.0.0.1", 26},
		{"[::1]:26", "::1", 26},
		{"::1", "::1", 0},
		{"a:b", "a:b", 0},
	} {
		if n, p := splitPort(tc.in); n != tc.name || p != tc.port {
			t.Errorf("%q: %q %d", tc.in, n, p)
		}
	}
}

// The transport's own hosts, found in the DNS, with hosts_override.
func TestTransportHosts(t *testing.T) {
	f := fakeServer(t, []step{
		{"", "220 fake"}, {"EHLO", "250 fake"}, {"MAIL", "250 OK"}, {"RCPT", "250 OK"}, {"DATA", "354 go"}, {".", "250 done"},
	})
	dns, err := dnstest.Start("mx.test. A 127.0.0.1\n", "")
	if err != nil {
		t.Fatal(err)
	}
	defer dns.Close()
	c := newClient(t, "  hosts = nothere.test : mx.test\n  hosts_override\n  allow_localhost\n  port = "+portOf(f))
	c.ctx.Lists.Resolver = &dnsx.Resolver{Servers: []string{dns.Addr}}
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	a := c.deliver(msg, []item.Host{{Name: "ignored", Address: "192.0.2.1", MX: -1}}, "a@x.test")[0]
	if a.Result != item.OK || a.HostUsed.Name != "mx.test" || a.HostUsed.Port != int(f.addr.Port()) {
		t.Errorf("%v %q %+v", a.Result, a.Message, a.HostUsed)
	}
	// Without allow_localhost, an address of this machine is refused.
	c = newClient(t, "  hosts = mx.test\n  port = "+portOf(f))
	c.ctx.Lists.Resolver = &dnsx.Resolver{Servers: []string{dns.Addr}}
	a = c.deliver(msg, nil, "a@x.test")[0]
	if a.Result != item.Defer || a.BasicErrno != item.ErrnoHostIsLocal || a.Message != "t transport found host mx.test to be local" {
		t.Errorf("%v %d %q", a.Result, a.BasicErrno, a.Message)
	}
	// A name that does not exist.
	c = newClient(t, "  hosts = nothere.test")
	c.ctx.Lists.Resolver = &dnsx.Resolver{Servers: []string{dns.Addr}}
	a = c.deliver(msg, nil, "a@x.test")[0]
	if a.Result != item.Defer || a.BasicErrno != item.ErrnoUnknownHost || a.Message != "failed to lookup IP address for nothere.test" {
		t.Errorf("%v %d %q", a.Result, a.BasicErrno, a.Message)
	}
	// No hosts at all.
	c = newClient(t, "")
	a = c.deliver(msg, nil, "a@x.test")[0]
	if a.Result != item.Defer || !a.Panic || a.Message != "t transport called with no hosts set" {
		t.Errorf("%v %q", a.Result, a.Message)
	}
}

func TestAvoidPipeliningAndInterface(t *testing.T) {
	ts := startServer(t, acceptAll, false)
	rec := record(t, ts.addr)
	c := newClient(t, "  hosts_avoid_pipelining = *\n  interface = 127.0.0.1\n  helo_data = [$sending_ip_address]")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	a := c.deliver(msg, hostAt(rec.addr), "a@server.test")[0]
	if a.Result != item.OK || a.Pipelining {
		t.Errorf("%v %q pipelining %v", a.Result, a.Message, a.Pipelining)
	}
	if !strings.HasPrefix(rec.text(), "EHLO [127.0.0.1]\r\n") {
		t.Errorf("sent %q", rec.text())
	}
	c = newClient(t, "  interface = not-an-ip")
	a = c.deliver(msg, hostAt(rec.addr), "a@server.test")[0]
	if !a.Panic || a.Message != `"not-an-ip" is not a valid IP address for the "interface" option for t transport` {
		t.Errorf("%q", a.Message)
	}
}

// A kept connection that the server closed while it was idle is
// dropped and a new one made, whether the close is seen before MAIL or
// only in answer to it.
func TestIdleConnectionLost(t *testing.T) {
	deliver := []step{{"MAIL", "250 OK"}, {"RCPT", "250 OK"}, {"DATA", "354 go"}, {".", "250 done"}}
	opening := []step{{"", "220 fake"}, {"EHLO", "250 fake"}}
	closeNow := append(append([]step{}, opening...), deliver...)
	closeNow[len(closeNow)-1].reply += "<close>"
	closeAtMAIL := append(append(append([]step{}, opening...), deliver...), step{"MAIL", "<close>"})
	for _, first := range [][]step{closeNow, closeAtMAIL} {
		f := fakeServer(t, first, append(append([]step{}, opening...), deliver...))
		c := newClient(t, "")
		c.conn = transport.NewConns()
		msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
		for i := 0; i < 2; i++ {
			a := c.deliver(msg, hostAt(f.addr), "a@x.test")[0]
			if a.Result != item.OK || a.Continued {
				t.Fatalf("%d: %v %q continued %v", i, a.Result, a.Message, a.Continued)
			}
		}
		c.conn.Close()
	}
}

// A headers_add that does not expand stops the delivery for every host.
func TestHeaderExpansionError(t *testing.T) {
	f := fakeServer(t, []step{{"", "220 fake"}, {"EHLO", "250 fake"}, {"MAIL", "250 OK"}, {"RCPT", "250 OK"}, {"DATA", "354 go"}})
	c := newClient(t, "  headers_add = ${if bad}")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	hosts := append(hostAt(f.addr), hostAt(f.addr)...)
	a := c.deliver(msg, hosts, "a@x.test")[0]
	if a.Result != item.Defer || a.BasicErrno != item.ErrnoChHeaderFail ||
		!strings.HasPrefix(a.Message, "failed to expand headers_add or headers_remove: ") {
		t.Errorf("%v %d %q", a.Result, a.BasicErrno, a.Message)
	}
}
