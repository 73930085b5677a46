package smtp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"exigo/internal/acl"
	"exigo/internal/auth"
	_ "exigo/internal/auth/plaintext"
	"exigo/internal/conf"
	"exigo/internal/eximlog"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/lists"
	"exigo/internal/smtpd"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// testServer is exigo's own SMTP server on a loopback port.
type testServer struct {
	srv  *smtpd.Server
	addr netip.AddrPort
	dir  string
	ln   net.Listener
}

func startServer(t testing.TB, cfgText string, withTLS bool) *testServer {
	t.Helper()
	dir := t.TempDir()
	cfg, err := conf.Parse("server.conf", "spool_directory = "+dir+"\nprimary_hostname = server.test\n"+cfgText, nil)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := eximlog.New(eximlog.Config{FilePath: filepath.Join(dir, "log", "%slog"), SpoolDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spool.Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	auths, err := auth.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &smtpd.Server{Config: cfg, Log: lg, Spool: sp, IDs: spool.NewIDGen(4343, -1),
		ACLCache: acl.NewCache(), Auths: auths}
	if withTLS {
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{selfSigned(t, "server.test")}}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{srv: srv, addr: netip.MustParseAddrPort(ln.Addr().String()), dir: dir, ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			remote := netip.MustParseAddrPort(c.RemoteAddr().String())
			local := netip.MustParseAddrPort(c.LocalAddr().String())
			go func() {
				srv.Serve(smtpd.Peer{Conn: c, Remote: remote, Local: local})
				c.Close()
			}()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return ts
}

// messages lists what the server spooled.
func (ts *testServer) messages(t *testing.T) []*spool.Header {
	t.Helper()
	ids, err := ts.srv.Spool.List()
	if err != nil {
		t.Fatal(err)
	}
	var out []*spool.Header
	for _, id := range ids {
		h, err := ts.srv.Spool.ReadHeader(id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, h)
	}
	return out
}

func (ts *testServer) mainlog(t *testing.T) string {
	return readFile(t, filepath.Join(ts.dir, "log", "mainlog"))
}

// client is an smtp transport with the configuration it came from.
type client struct {
	cfg  *conf.Config
	tr   transport.Transport
	log  *eximlog.Logger
	dir  string
	ctx  *expand.Context
	conn *transport.Conns
}

func newClient(t testing.TB, transportOpts string, extra ...string) *client {
	t.Helper()
	dir := t.TempDir()
	text := "spool_directory = " + dir + "\nprimary_hostname = client.test\n" + strings.Join(extra, "\n") +
		"\nbegin transports\nt:\n  driver = smtp\n" + transportOpts + "\n"
	cfg, err := conf.Parse("client.conf", text, nil)
	if err != nil {
		t.Fatal(err)
	}
	trs, err := transport.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := eximlog.New(eximlog.Config{FilePath: filepath.Join(dir, "log", "%slog"), SpoolDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	vars := mapVars{"primary_hostname": "client.test"}
	ctx := &expand.Context{Vars: vars, Lists: &lists.Env{PrimaryHostname: "client.test"}}
	return &client{cfg: cfg, tr: trs["t"], log: lg, dir: dir, ctx: ctx}
}

type mapVars map[string]string

func (m mapVars) Var(name string) (string, bool, bool) {
	v, ok := m[name]
	return v, false, ok
}

func (c *client) env() *transport.Env {
	return &transport.Env{Config: c.cfg, Ctx: c.ctx, Log: c.log, Conns: c.conn}
}

func (c *client) mainlog(t *testing.T) string {
	return readFile(t, filepath.Join(c.dir, "log", "mainlog"))
}

// deliver sends a message to the addresses, all routed to hosts.
func (c *client) deliver(msg *transport.Message, hosts []item.Host, rcpts ...string) []*item.Address {
	var addrs []*item.Address
	for _, r := range rcpts {
		a := item.New(r)
		a.Transport = "t"
		a.Hosts = hosts
		addrs = append(addrs, a)
	}
	c.tr.Deliver(c.env(), msg, addrs)
	return addrs
}

func hostAt(ap netip.AddrPort) []item.Host {
	return []item.Host{{Name: "localhost", Address: ap.Addr().String(), Port: int(ap.Port()), MX: -1}}
}

// newMessage makes a spooled message from RFC 822 text.
func newMessage(id, sender, text string) *transport.Message {
	hdrText, body, _ := strings.Cut(text, "\n\n")
	h := &spool.Header{ID: id, Sender: sender, Received: time.Now()}
	for _, l := range splitHeaders(hdrText + "\n") {
		h.Headers = append(h.Headers, spool.HeaderLine{Type: ' ', Text: l})
	}
	h.BodyLinecount = strings.Count(body, "\n")
	h.BodySize = int64(len(body))
	return &transport.Message{ID: id, Header: h, Body: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(body)), nil
	}}
}

func splitHeaders(s string) []string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if l == "" {
			continue
		}
		if (l[0] == ' ' || l[0] == '\t') && len(out) > 0 {
			out[len(out)-1] += l
			continue
		}
		out = append(out, l)
	}
	return out
}

func selfSigned(t testing.TB, name string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		DNSNames: []string{name}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

// body is the -D contents of a spooled message, less its id line.
func (ts *testServer) body(t *testing.T, h *spool.Header) string {
	t.Helper()
	b := readFile(t, ts.srv.Spool.InputPath(h.ID, "-D"))
	_, rest, _ := strings.Cut(b, "\n")
	return rest
}

// recorder sits between client and server and keeps what the client
// sent, for checking the commands on the wire.
type recorder struct {
	addr netip.AddrPort
	mu   sync.Mutex
	sent []byte
}

func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.sent)
}

func record(t *testing.T, to netip.AddrPort) *recorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	r := &recorder{addr: netip.MustParseAddrPort(ln.Addr().String())}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", to.String())
			if err != nil {
				c.Close()
				continue
			}
			go func() { io.Copy(c, s); c.Close() }()
			go func() {
				buf := make([]byte, 4096)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						r.mu.Lock()
						r.sent = append(r.sent, buf[:n]...)
						r.mu.Unlock()
						s.Write(buf[:n])
					}
					if err != nil {
						s.(*net.TCPConn).CloseWrite()
						return
					}
				}
			}()
		}
	}()
	return r
}

// freePort is a loopback port nothing listens on.
func freePort(t *testing.T) uint16 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := netip.MustParseAddrPort(ln.Addr().String()).Port()
	ln.Close()
	return p
}

func portOf(f *fake) string { return itoa(int(f.addr.Port())) }

func itoa(n int) string { return strconv.Itoa(n) }
