package main_test

import (
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The built-in configuration: swaks to postmaster@localhost is spooled,
// a relay attempt is refused.
func TestDefaultConfigWithSwaks(t *testing.T) {
	if _, err := exec.LookPath("swaks"); err != nil {
		t.Skip("swaks is not installed (apt-get install swaks)")
	}
	bin := buildExigo(t)
	d := startDaemon(t, bin, "")
	out, err := exec.Command("swaks", "--server", d.addr, "--to", "postmaster@localhost", "--from", "sender@example.org").CombinedOutput()
	if err != nil {
		t.Fatalf("swaks: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "<-  250 OK id=") {
		t.Fatalf("no 250 OK id= in:\n%s", out)
	}
	if ids := d.spoolIDs(t); len(ids) != 1 {
		t.Fatalf("spool has %v", ids)
	}
	out, err = exec.Command("swaks", "--server", d.addr, "--to", "someone@example.org", "--from", "sender@example.org").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "<** 550 relay not permitted") {
		t.Fatalf("relay was not refused: %v\n%s", err, out)
	}
	log := d.mainlog(t)
	for _, want := range []string{" <= sender@example.org H=", "rejected RCPT <someone@example.org>: relay not permitted"} {
		if !strings.Contains(log, want) {
			t.Errorf("mainlog lacks %q:\n%s", want, log)
		}
	}
}

// Python's smtplib, with 8-bit data sent without BODY=8BITMIME: Exim
// accepts it and so do we, byte for byte.
func TestSmtplibEightBit(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	bin := buildExigo(t)
	d := startDaemon(t, bin, "")
	script := `
import smtplib, sys
s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]))
s.ehlo("client.example")
msg = b"Subject: caf\xc3\xa9\r\n\r\nna\xc3\xafve body\r\n..leading dot\r\n"
s.sendmail("a@example.org", ["postmaster@localhost"], msg)
s.quit()
`
	host, port, _ := net.SplitHostPort(d.addr)
	out, err := exec.Command("python3", "-c", script, host, port).CombinedOutput()
	if err != nil {
		t.Fatalf("smtplib: %v\n%s", err, out)
	}
	ids := d.spoolIDs(t)
	if len(ids) != 1 {
		t.Fatalf("spool has %v", ids)
	}
	body, _ := os.ReadFile(filepath.Join(d.data, "spool", "input", ids[0]+"-D"))
	want := ids[0] + "-D\nna\xc3\xafve body\n..leading dot\n"
	if string(body) != want {
		t.Fatalf("-D file %q, want %q", body, want)
	}
	hdr, _ := os.ReadFile(filepath.Join(d.data, "spool", "input", ids[0]+"-H"))
	if !strings.Contains(string(hdr), "Subject: caf\xc3\xa9\n") {
		t.Fatalf("-H file lacks the 8-bit subject:\n%s", hdr)
	}
}

func startTransaction(t *testing.T, c *client) {
	t.Helper()
	expectPrefix(t, "banner", c.reply(), "220 ")
	expectPrefix(t, "EHLO", c.cmd("EHLO client.example"), "250-")
	expectPrefix(t, "MAIL", c.cmd("MAIL FROM:<a@example.org>"), "250 OK")
	expectPrefix(t, "RCPT", c.cmd("RCPT TO:<postmaster@localhost>"), "250 Accepted")
	expectPrefix(t, "DATA", c.cmd("DATA"), "354 ")
}

// SMTP smuggling (CVE-2023-51766): only CRLF.CRLF ends the data of a
// CRLF client, so a message cannot carry a second one.
func TestNoSmuggling(t *testing.T) {
	bin := buildExigo(t)
	d := startDaemon(t, bin, "")
	for i, end := range []string{"\n.\r\n", "\r\n.\n", "\n.\n", "\r.\r\n", "\r\n.\r"} {
		c := dial(t, d.addr)
		startTransaction(t, c)
		c.send("Subject: first\r\n\r\nbody" + end +
			"MAIL FROM:<evil@example.org>\r\nRCPT TO:<postmaster@localhost>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n")
		got := c.reply()
		expectPrefix(t, fmt.Sprintf("case %d (%q) end of data", i, end), got, "250 OK id=")
		c.cmd("QUIT")
		ids := d.spoolIDs(t)
		if len(ids) != i+1 {
			t.Fatalf("case %d (%q): %d messages in the spool, want %d", i, end, len(ids), i+1)
		}
	}
	for _, id := range d.spoolIDs(t) {
		b, _ := os.ReadFile(filepath.Join(d.data, "spool", "input", id+"-D"))
		if !strings.Contains(string(b), "MAIL FROM:<evil@example.org>") {
			t.Errorf("%s: the smuggled commands are not part of the body: %q", id, b)
		}
	}
}

// A client that uses LF line ends throughout is in LF-only mode, where
// LF.LF ends the data (as Exim 4.97.1 allows).
func TestLFOnlyClient(t *testing.T) {
	bin := buildExigo(t)
	d := startDaemon(t, bin, "")
	c := dial(t, d.addr)
	expectPrefix(t, "banner", c.reply(), "220 ")
	expectPrefix(t, "HELO", c.cmd("HELO lf.example"), "250 ")
	c.send("MAIL FROM:<a@example.org>\n")
	expectPrefix(t, "MAIL", c.reply(), "250")
	c.send("RCPT TO:<postmaster@localhost>\n")
	expectPrefix(t, "RCPT", c.reply(), "250")
	c.send("DATA\n")
	expectPrefix(t, "DATA", c.reply(), "354")
	c.send("Subject: lf\n\nline\n.\n")
	expectPrefix(t, "end of data", c.reply(), "250 OK id=")
}

const strictConf = `
primary_hostname = myhost.test.ex
spool_directory = DATA/spool
log_file_path = DATA/log/%slog
daemon_smtp_ports = PORT
local_interfaces = 127.0.0.1
pipelining_advertise_hosts = :
pipelining_connect_advertise_hosts = :
log_selector = +smtp_protocol_error +smtp_syntax_error +protocol_detail +smtp_connection
acl_smtp_connect = accept delay = 1s
acl_smtp_rcpt = accept
`

// Talking before the banner, and pipelining when it was not advertised,
// are synchronization errors: 554 and the connection is dropped.
func TestSynchronization(t *testing.T) {
	bin := buildExigo(t)
	d := startDaemon(t, bin, strictConf)

	c := dial(t, d.addr)
	c.send("EHLO early.example\r\n")
	expectPrefix(t, "early talker", c.reply(), "554 SMTP synchronization error")

	c = dial(t, d.addr)
	expectPrefix(t, "banner", c.reply(), "220 ")
	ehlo := c.cmd("EHLO client.example")
	if strings.Contains(ehlo, "PIPELINING") {
		t.Fatalf("PIPELINING advertised: %q", ehlo)
	}
	c.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n")
	expectPrefix(t, "pipelined MAIL", c.reply(), "554 SMTP synchronization error")
	time.Sleep(100 * time.Millisecond)
	if log := d.mainlog(t); !strings.Contains(log, "SMTP protocol synchronization error (next input sent too soon: pipelining was not advertised)") ||
		!strings.Contains(log, "SMTP protocol synchronization error (input sent without waiting for greeting)") {
		t.Fatalf("mainlog:\n%s", log)
	}
}

// Overlong commands and unknown commands get Exim's 500s; the fourth
// unknown command ends the connection.
func TestBadCommands(t *testing.T) {
	bin := buildExigo(t)
	d := startDaemon(t, bin, "")
	c := dial(t, d.addr)
	expectPrefix(t, "banner", c.reply(), "220 ")
	// As in Exim, an overlong line is cut at 16384 bytes and the rest
	// read as a second command; every 5xx counts towards
	// smtp_max_synprot_errors (3).
	expectPrefix(t, "overlong", c.cmd("HELO "+strings.Repeat("x", 20000)), "500 unrecognized command")
	expectPrefix(t, "overlong rest", c.reply(), "500 unrecognized command")
	expectPrefix(t, "NUL", c.cmd("NOOP a\x00b"), "501 NUL characters are not allowed in SMTP commands")
	expectPrefix(t, "one too many", c.cmd("FOO"), "500-unrecognized command\n500 Too many syntax or protocol errors")
	if r := c.reply(); !strings.Contains(r, "EOF") {
		t.Fatalf("connection not closed: %q", r)
	}
	c = dial(t, d.addr)
	c.reply()
	expectPrefix(t, "EHLO", c.cmd("EHLO x"), "250")
	expectPrefix(t, "unknown 1", c.cmd("FOO"), "500 unrecognized command")
	c.cmd("NOOP")
	expectPrefix(t, "unknown 2", c.cmd("BAR"), "500 unrecognized command")
	expectPrefix(t, "unknown 3", c.cmd("BAZ"), "500 unrecognized command")
	expectPrefix(t, "unknown 4", c.cmd("QUX"), "500 Too many unrecognized commands")
	c = dial(t, d.addr)
	c.reply()
	expectPrefix(t, "MAIL before HELO", c.cmd("MAIL FROM:<a@b.example>"), "503 HELO or EHLO required")
	c.cmd("EHLO x")
	expectPrefix(t, "MAIL before RCPT", c.cmd("RCPT TO:<x@localhost>"), "503 sender not yet given")
	expectPrefix(t, "MAIL syntax", c.cmd("MAIL FROM:<a@b"), "501 <a@b: ")
	expectPrefix(t, "QUIT arg", c.cmd("QUIT now"), "501 unexpected argument data")
}

const authConf = `
primary_hostname = myhost.test.ex
spool_directory = DATA/spool
log_file_path = DATA/log/%slog
daemon_smtp_ports = PORT
local_interfaces = 127.0.0.1
auth_advertise_hosts = ${if def:tls_in_cipher {*}{}}
acl_smtp_rcpt = acl_rcpt
log_selector = +protocol_detail
begin acl
acl_rcpt:
  accept authenticated = *
  deny message = relay not permitted
begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${if and{{eq{$auth2}{user}}{eq{$auth3}{secret}}}}
  server_set_id = $auth2
`

// AUTH is refused before STARTTLS when auth_advertise_hosts says so, and
// works after it.
func TestAuthAfterStartTLS(t *testing.T) {
	bin := buildExigo(t)
	d := startDaemon(t, bin, authConf)
	c := dial(t, d.addr)
	c.reply()
	ehlo := c.cmd("EHLO client.example")
	if strings.Contains(ehlo, "AUTH") || !strings.Contains(ehlo, "STARTTLS") {
		t.Fatalf("EHLO before TLS: %q", ehlo)
	}
	plain := base64.StdEncoding.EncodeToString([]byte("\x00user\x00secret"))
	expectPrefix(t, "AUTH before TLS", c.cmd("AUTH PLAIN "+plain), "503 AUTH command used when not advertised")
	expectPrefix(t, "STARTTLS", c.cmd("STARTTLS"), "220 ")
	tc := tls.Client(c.c, &tls.Config{InsecureSkipVerify: true})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	c.c = tc
	c.r.Reset(tc)
	ehlo = c.cmd("EHLO client.example")
	if !strings.Contains(ehlo, "AUTH PLAIN") {
		t.Fatalf("EHLO after TLS: %q", ehlo)
	}
	expectPrefix(t, "bad password", c.cmd("AUTH PLAIN "+base64.StdEncoding.EncodeToString([]byte("\x00user\x00wrong"))), "535 Incorrect authentication data")
	expectPrefix(t, "AUTH", c.cmd("AUTH PLAIN "+plain), "235 Authentication succeeded")
	expectPrefix(t, "MAIL", c.cmd("MAIL FROM:<user@example.org>"), "250")
	expectPrefix(t, "relay when authenticated", c.cmd("RCPT TO:<anyone@example.net>"), "250 Accepted")
	c.cmd("QUIT")
	time.Sleep(100 * time.Millisecond)
	log := d.mainlog(t)
	if !strings.Contains(log, "plain authenticator failed for (client.example) [127.0.0.1]: 535 Incorrect authentication data (set_id=user)") {
		t.Fatalf("mainlog:\n%s", log)
	}
}

// protocol_detail: a client that resets the connection straight after
// QUIT is logged, with and without TLS.
func TestResetAfterQuit(t *testing.T) {
	bin := buildExigo(t)
	d := startDaemon(t, bin, authConf)
	for _, useTLS := range []bool{false, true} {
		c := dial(t, d.addr)
		c.reply()
		c.cmd("EHLO client.example")
		var conn net.Conn = c.c
		if useTLS {
			c.cmd("STARTTLS")
			tc := tls.Client(c.c, &tls.Config{InsecureSkipVerify: true})
			if err := tc.Handshake(); err != nil {
				t.Fatal(err)
			}
			c.c = tc
			c.r.Reset(tc)
			c.cmd("EHLO client.example")
		}
		c.send("QUIT\r\n")
		raw := conn.(*net.TCPConn)
		raw.SetLinger(0)
		raw.Close()
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		log := d.mainlog(t)
		if strings.Contains(log, "[127.0.0.1] after QUIT, client reset TCP before SMTP response\n") &&
			strings.Contains(log, "[127.0.0.1] after QUIT, client reset TCP before SMTP response and TLS close") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("reset after QUIT not logged:\n%s", d.mainlog(t))
}

// SIGHUP re-reads the configuration; SIGTERM lets a session finish.
func TestSignals(t *testing.T) {
	bin := buildExigo(t)
	conf := strictConf + "smtp_banner = first banner\n"
	d := startDaemon(t, bin, conf)
	c := dial(t, d.addr)
	expectPrefix(t, "banner", c.reply(), "220 first banner")
	c.cmd("QUIT")
	os.WriteFile(d.conf, []byte(strings.Replace(readFile(t, d.conf), "first banner", "second banner", 1)), 0o644)
	d.cmd.Process.Signal(syscall.SIGHUP)
	var got string
	for i := 0; i < 100; i++ {
		time.Sleep(30 * time.Millisecond)
		cc, err := net.Dial("tcp", d.addr)
		if err != nil {
			continue
		}
		cc.SetDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 100)
		n, _ := cc.Read(buf)
		cc.Close()
		got = string(buf[:n])
		if strings.HasPrefix(got, "220 second banner") {
			break
		}
	}
	expectPrefix(t, "banner after SIGHUP", got, "220 second banner")

	c = dial(t, d.addr)
	c.reply()
	d.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(200 * time.Millisecond)
	expectPrefix(t, "session after SIGTERM", c.cmd("EHLO still.here"), "250")
	c.cmd("QUIT")
	done := make(chan error)
	go func() { done <- d.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("daemon did not stop after its last session")
	}
	if _, err := net.Dial("tcp", d.addr); err == nil {
		t.Fatal("still accepting after SIGTERM")
	}
}

func readFile(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// smtp_accept_max_per_host refuses a second connection from one host.
func TestConnectionLimits(t *testing.T) {
	bin := buildExigo(t)
	d := startDaemon(t, bin, strings.Replace(strictConf, "acl_smtp_connect = accept delay = 1s\n", "", 1)+"smtp_accept_max_per_host = 1\n")
	// The start-up probe's session may still be ending: wait for a banner.
	var c *client
	for i := 0; i < 50; i++ {
		c = dial(t, d.addr)
		if strings.HasPrefix(c.reply(), "220 ") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	c2 := dial(t, d.addr)
	expectPrefix(t, "second", c2.reply(), "421 Too many concurrent SMTP connections from this IP address")
}
