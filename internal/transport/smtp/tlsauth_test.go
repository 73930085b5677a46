package smtp

import (
	"crypto/tls"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"exigo/internal/item"
)

func TestSTARTTLS(t *testing.T) {
	ts := startServer(t, acceptAll, true)
	c := newClient(t, "")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	a := c.deliver(msg, hostAt(ts.addr), "a@server.test")[0]
	if a.Result != item.OK {
		t.Fatalf("%v %q", a.Result, a.Message)
	}
	// A self-signed certificate is not verified, but with the default
	// tls_try_verify_hosts that is only recorded.
	if !strings.HasPrefix(a.TLSCipher, "TLS1.3:") || a.TLSVerified != "no" || a.TLSPeerDN != "CN=server.test" {
		t.Errorf("X=%q CV=%q DN=%q", a.TLSCipher, a.TLSVerified, a.TLSPeerDN)
	}
	if got := ts.messages(t); len(got) != 1 || got[0].TLSCipher.Value == "" {
		t.Errorf("server did not see TLS: %+v", got)
	}
}

func TestSTARTTLSVerifyFailsThenClear(t *testing.T) {
	ts := startServer(t, acceptAll, true)
	c := newClient(t, "  tls_verify_hosts = *")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	a := c.deliver(msg, hostAt(ts.addr), "a@server.test")[0]
	if a.Result != item.OK || a.TLSCipher != "" {
		t.Fatalf("%v %q X=%q", a.Result, a.Message, a.TLSCipher)
	}
	log := c.mainlog(t)
	if !strings.Contains(log, "TLS session: (certificate verification failed): ") ||
		!strings.Contains(log, ": delivering unencrypted to H=localhost [127.0.0.1] (not in hosts_require_tls)") {
		t.Errorf("log:\n%s", log)
	}
}

func TestRequireTLS(t *testing.T) {
	ts := startServer(t, acceptAll, false) // no STARTTLS offered
	c := newClient(t, "  hosts_require_tls = *")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	a := c.deliver(msg, hostAt(ts.addr), "a@server.test")[0]
	want := "a TLS session is required, but the server did not offer TLS support"
	if a.Result != item.Defer || a.BasicErrno != item.ErrnoTLSRequired || a.Message != want {
		t.Fatalf("%v %d %q", a.Result, a.BasicErrno, a.Message)
	}
	if !strings.Contains(c.mainlog(t), "H=localhost [127.0.0.1]: "+want) {
		t.Errorf("log:\n%s", c.mainlog(t))
	}
	if a.RemoteGreeting == "" || !strings.HasPrefix(a.RemoteHeloReply, "250-server.test Hello") {
		t.Errorf("greeting %q helo %q", a.RemoteGreeting, a.RemoteHeloReply)
	}
}

const plainServer = `
begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${if and {{eq{$auth2}{user}}{eq{$auth3}{secret}}}}
  server_set_id = $auth2
`

func TestAuthPlain(t *testing.T) {
	ts := startServer(t, acceptAll+plainServer, true)
	for _, tc := range []struct {
		pass   string
		result item.Result
		log    string
	}{
		{"secret", item.OK, ""},
		{"wrong", item.Defer, "plain authenticator failed H=localhost [127.0.0.1] 535 Incorrect authentication data"},
	} {
		c := newClient(t, "  hosts_require_auth = *",
			"begin authenticators\nplain:\n  driver = plaintext\n  public_name = PLAIN\n  client_set_id = sent-id\n"+
				"  client_send = ^user^"+tc.pass+"\n")
		msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
		a := c.deliver(msg, hostAt(ts.addr), "a@server.test")[0]
		if a.Result != tc.result {
			t.Fatalf("%s: %v %q", tc.pass, a.Result, a.Message)
		}
		if tc.result == item.OK && (a.Authenticator != "plain" || a.AuthID != "sent-id" || a.TLSCipher == "") {
			t.Errorf("A=%q X=%q", a.Authenticator, a.TLSCipher)
		}
		if tc.log != "" {
			if a.BasicErrno != item.ErrnoAuthFail || a.Message != "authentication required but authentication attempt(s) failed" {
				t.Errorf("%d %q", a.BasicErrno, a.Message)
			}
			if !strings.Contains(c.mainlog(t), tc.log) {
				t.Errorf("log:\n%s", c.mainlog(t))
			}
		}
	}
	if got := ts.messages(t); len(got) != 1 || got[0].AuthID.Value != "user" {
		t.Errorf("server saw %+v", got)
	}
}

func TestSMTPS(t *testing.T) {
	cfg := &tls.Config{Certificates: []tls.Certificate{selfSigned(t, "fake.test")}}
	f := fakeServerTLS(t, cfg, []step{
		{"", "220 fake.test ESMTP"}, {"EHLO", "250 fake.test"}, {"MAIL", "250 OK"}, {"RCPT", "250 OK"},
		{"DATA", "354 go"}, {".", "250 done"},
	})
	c := newClient(t, "  protocol = smtps")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	a := c.deliver(msg, hostAt(f.addr), "a@x.test")[0]
	<-f.got
	if a.Result != item.OK || !strings.HasPrefix(a.TLSCipher, "TLS1.3:") || a.RemoteGreeting != "220 fake.test ESMTP" {
		t.Errorf("%v %q X=%q greeting %q", a.Result, a.Message, a.TLSCipher, a.RemoteGreeting)
	}
	// A server without TLS: the handshake fails and nothing goes in clear.
	plain := fakeServer(t, []step{{"", "220 plain"}})
	a = c.deliver(msg, hostAt(plain.addr), "a@x.test")[0]
	if a.Result != item.Defer || a.BasicErrno != item.ErrnoTLSFailure || !strings.HasPrefix(a.Message, "TLS session: ") {
		t.Errorf("%v %d %q", a.Result, a.BasicErrno, a.Message)
	}
}

// A certificate that verifies (tls_verify_certificates names it, the
// host name matches) gives CV=yes; tls_sni is sent.
func TestVerifiedAndSNI(t *testing.T) {
	ts := startServer(t, acceptAll, true)
	cert := ts.srv.TLS.Certificates[0]
	sni := make(chan string, 1)
	ts.srv.TLS.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		sni <- h.ServerName
		return nil, nil
	}
	pemFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644)
	c := newClient(t, "  tls_verify_hosts = *\n  tls_verify_certificates = "+pemFile+"\n  tls_sni = $host")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	hosts := hostAt(ts.addr)
	hosts[0].Name = "server.test"
	a := c.deliver(msg, hosts, "a@server.test")[0]
	if a.Result != item.OK || a.TLSVerified != "yes" {
		t.Fatalf("%v %q CV=%q", a.Result, a.Message, a.TLSVerified)
	}
	if got := <-sni; got != "server.test" {
		t.Errorf("SNI %q", got)
	}
}
