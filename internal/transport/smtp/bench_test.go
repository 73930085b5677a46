package smtp

import (
	"bufio"
	"net"
	"net/netip"
	"strings"
	"testing"

	"exigo/internal/item"
	"exigo/internal/transport"
)

// BenchmarkDeliver sends one small message per iteration to exigo's own
// server on loopback (both in this process): a new connection each time,
// or one kept connection.
func BenchmarkDeliver(b *testing.B) {
	for _, reuse := range []bool{false, true} {
		name := "new-connection"
		if reuse {
			name = "reused-connection"
		}
		b.Run(name, func(b *testing.B) {
			ts := startServer(b, acceptAll, false)
			c := newClient(b, "")
			if reuse {
				c.conn = transport.NewConns()
				defer c.conn.Close()
			}
			msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
			hosts := hostAt(ts.addr)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a := c.deliver(msg, hosts, "a@server.test")[0]
				if a.Result != item.OK {
					b.Fatalf("%v %q", a.Result, a.Message)
				}
			}
		})
	}
}

// BenchmarkClient measures the client alone against a server that
// accepts everything and stores nothing.
func BenchmarkClient(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go sink(c)
		}
	}()
	for _, reuse := range []bool{false, true} {
		name := "new-connection"
		if reuse {
			name = "reused-connection"
		}
		b.Run(name, func(b *testing.B) {
			c := newClient(b, "")
			if reuse {
				c.conn = transport.NewConns()
				defer c.conn.Close()
			}
			msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
			hosts := hostAt(netip.MustParseAddrPort(ln.Addr().String()))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if a := c.deliver(msg, hosts, "a@x.test", "b@x.test")[0]; a.Result != item.OK {
					b.Fatalf("%v %q", a.Result, a.Message)
				}
			}
		})
	}
}

// sink is a server that says yes to everything.
func sink(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	w.WriteString("220 sink ESMTP\r\n")
	w.Flush()
	for {
		l, err := readCommand(r, "")
		if err != nil {
			return
		}
		switch {
		case strings.HasPrefix(l, "EHLO"):
			w.WriteString("250-sink\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 SIZE\r\n")
		case strings.HasPrefix(l, "QUIT"):
			w.WriteString("221 bye\r\n")
			w.Flush()
			return
		default:
			w.WriteString("250 OK\r\n")
		}
		if r.Buffered() == 0 {
			w.Flush()
		}
	}
}
