package smtp

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
)

// step is one turn of a scripted server: the line the client must send
// (a prefix; "" for the banner) and the reply. Reply "<close>" closes the
// connection, "<hang>" sends nothing for a while (timeouts). After a 354
// the next step's expect "." takes the data up to the dot; a BDAT's data
// is read with its command.
type step struct{ expect, reply string }

// fake runs one scripted SMTP session per connection and reports what
// the client sent, one string per command (data blocks included).
type fake struct {
	addr netip.AddrPort
	got  chan []string
}

func fakeServer(t *testing.T, sessions ...[]step) *fake {
	return fakeServerTLS(t, nil, sessions...)
}

// fakeServerTLS is fakeServer with TLS from the start (smtps) when cfg
// is not nil.
func fakeServerTLS(t *testing.T, cfg *tls.Config, sessions ...[]step) *fake {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	t.Cleanup(func() { ln.Close() })
	f := &fake{addr: netip.MustParseAddrPort(ln.Addr().String()), got: make(chan []string, len(sessions))}
	go func() {
		for _, script := range sessions {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.got <- runScript(t, c, script)
		}
	}()
	return f
}

func runScript(t *testing.T, c net.Conn, script []step) []string {
	defer c.Close()
	r := bufio.NewReader(c)
	var got []string
	for i, st := range script {
		if i > 0 {
			line, err := readCommand(r, st.expect)
			if err != nil {
				got = append(got, "<"+err.Error()+">")
				return got
			}
			got = append(got, line)
			if st.expect == "." && !strings.HasSuffix(line, ".") || st.expect != "." && !strings.HasPrefix(line, st.expect) {
				t.Errorf("step %d: client sent %q, want %q", i, line, st.expect)
			}
		}
		switch st.reply {
		case "<close>":
			return got
		case "<hang>":
			time.Sleep(1500 * time.Millisecond)
			return got
		case "":
		default:
			reply, closeAfter := strings.CutSuffix(st.reply, "<close>")
			fmt.Fprintf(c, "%s\r\n", strings.ReplaceAll(reply, "\n", "\r\n"))
			if closeAfter {
				return got
			}
		}
	}
	// Drain until the client closes, keeping what it says (QUIT).
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	for {
		line, err := r.ReadString('\n')
		if line != "" {
			got = append(got, strings.TrimRight(line, "\r\n"))
		}
		if err != nil {
			return got
		}
		if strings.HasPrefix(line, "QUIT") {
			fmt.Fprintf(c, "221 bye\r\n")
		}
	}
}

// readCommand reads a command line, the data after DATA (expect "."),
// or a BDAT command with its data.
func readCommand(r *bufio.Reader, expect string) (string, error) {
	if expect == "." {
		var b strings.Builder
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return b.String(), err
			}
			if l == ".\r\n" {
				return b.String() + ".", nil
			}
			b.WriteString(l)
		}
	}
	l, err := r.ReadString('\n')
	if err != nil {
		return l, err
	}
	l = strings.TrimRight(l, "\r\n")
	if f := strings.Fields(l); len(f) >= 2 && f[0] == "BDAT" {
		n, _ := strconv.Atoi(f[1])
		data := make([]byte, n)
		if _, err := io.ReadFull(r, data); err != nil {
			return l, err
		}
		return l + "\n" + string(data), nil
	}
	return l, nil
}

// ehlo is a usual EHLO reply.
const ehloPlain = "250-fake.test Hello\n250-SIZE 52428800\n250 HELP"
