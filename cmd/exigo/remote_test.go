package main_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// receiverConf is exigo B: accepts mail for remote.test, refuses
// bad@remote.test with 550, defers later@ while DATA/defer-flag exists.
const receiverConf = `
primary_hostname = receiver.test
spool_directory = DATA/spool
log_file_path = DATA/log/%slog
daemon_smtp_ports = PORT
local_interfaces = 127.0.0.1
queue_only
smtp_banner = receiver.test ESMTP greeting text
acl_smtp_rcpt = rcpt
begin acl
rcpt:
  deny    local_parts = bad
          message = 550 5.1.1 no such user here
  defer   local_parts = later
          condition = ${if exists{DATA/defer-flag}}
          message = 451 4.3.0 try again later
  accept  domains = remote.test
`

// senderConf is exigo A: remote.test goes by manualroute and smtp to B;
// local mail (bounces) goes to a Maildir.
func senderConf(dir string, port int) string {
	return fmt.Sprintf(`
primary_hostname = sender.test
delay_warning = 1s : 1h
spool_directory = %[1]s/spool
log_file_path = %[1]s/log/%%slog
begin routers
remote:
  driver = manualroute
  domains = remote.test
  route_list = * 127.0.0.1
  self = send
  transport = to_b
local:
  driver = accept
  domains = sender.test
  transport = box
begin transports
to_b:
  driver = smtp
  port = %[2]d
  allow_localhost
  hosts_avoid_tls = *
box:
  driver = appendfile
  directory = %[1]s/Maildir
  maildir_format
  create_directory
begin retry
* * F,1h,1s
`, dir, port)
}

func runAs(t *testing.T, dir, bin string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "EXIGO_NO_SYSTEM_RESOLVER=1")
	cmd.Stdin = strings.NewReader(stdin)
	asUnprivileged(t, cmd, dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("exigo %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// Remote delivery to a second exigo: success, a 4xx followed by success
// after the retry time, and a 5xx whose failure report carries the DSN
// extra information.
func TestRemoteDelivery(t *testing.T) {
	bin := buildExigo(t)
	b := startDaemon(t, bin, receiverConf)
	os.WriteFile(filepath.Join(b.data, "defer-flag"), nil, 0o644)
	var port int
	fmt.Sscanf(b.addr, "127.0.0.1:%d", &port)

	a := t.TempDir()
	os.Chmod(a, 0o755)
	conf := filepath.Join(a, "conf")
	os.WriteFile(conf, []byte(senderConf(a, port)), 0o644)
	msg := "From: sender@sender.test\nSubject: remote test\n\nbody line\n"
	runAs(t, a, bin, msg, "-C", conf, "-f", "sender@sender.test", "good@remote.test", "bad@remote.test", "later@remote.test")

	log := readFile(t, filepath.Join(a, "log", "mainlog"))
	for _, want := range []string{
		"=> good@remote.test R=remote T=to_b H=127.0.0.1 [127.0.0.1]",
		"** bad@remote.test R=remote T=to_b H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after RCPT TO:<bad@remote.test>: 550 5.1.1 no such user here",
		"== later@remote.test R=remote T=to_b defer (-44) H=127.0.0.1 [127.0.0.1]: SMTP error from remote mail server after RCPT TO:<later@remote.test>: 451 4.3.0 try again later",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("sender's mainlog lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatalf("sender's mainlog:\n%s", log)
	}
	// The failure report is in the sender's Maildir: parse it.
	checkDSN(t, filepath.Join(a, "Maildir", "new"), port)
	os.MkdirAll(filepath.Join(a, "seen"), 0o755)
	files, _ := filepath.Glob(filepath.Join(a, "Maildir", "new", "*"))
	for _, f := range files {
		os.Rename(f, filepath.Join(a, "seen", filepath.Base(f)))
	}

	// The deferral is in the retry database.
	if dump := runAs(t, a, bin, "", "-C", conf, "-bdumpdb", "retry"); !strings.Contains(dump, "later@remote.test") {
		t.Errorf("-bdumpdb retry:\n%s", dump)
	}
	// -Mg gives up on a deferred message: its sender is told.
	runAs(t, a, bin, msg, "-C", conf, "-f", "sender@sender.test", "later@remote.test")
	ids, _ := filepath.Glob(filepath.Join(a, "spool", "input", "*-H"))
	var newest string
	for _, p := range ids {
		if id := strings.TrimSuffix(filepath.Base(p), "-H"); id > newest {
			newest = id
		}
	}
	runAs(t, a, bin, "", "-C", conf, "-Mg", newest)
	log = readFile(t, filepath.Join(a, "log", "mainlog"))
	// As in Exim: "cancelled by <login>", no "**" line, a bounce.
	if !strings.Contains(log, newest+" cancelled by ") || strings.Contains(log, newest+" ** later@remote.test") ||
		!strings.Contains(log, " <= <> R="+newest) {
		t.Errorf("-Mg: mainlog:\n%s", log)
	}

	// Still deferred a second later: the sender gets a delay warning.
	time.Sleep(1100 * time.Millisecond)
	runAs(t, a, bin, "", "-C", conf, "-qf")
	warned := false
	files, _ = filepath.Glob(filepath.Join(a, "Maildir", "new", "*"))
	for _, f := range files {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), "Subject: Warning: message") && strings.Contains(string(b), "later@remote.test") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no delay warning in the sender's Maildir (%d files); mainlog:\n%s", len(files), readFile(t, filepath.Join(a, "log", "mainlog")))
	}

	// After the retry time, a queue run delivers the deferred address.
	os.Remove(filepath.Join(b.data, "defer-flag"))
	time.Sleep(1100 * time.Millisecond)
	runAs(t, a, bin, "", "-C", conf, "-q")
	log = readFile(t, filepath.Join(a, "log", "mainlog"))
	if !strings.Contains(log, "=> later@remote.test R=remote T=to_b H=127.0.0.1 [127.0.0.1]") {
		t.Fatalf("retry did not deliver:\n%s", log)
	}
	if ids := b.spoolIDs(t); len(ids) != 2 {
		t.Fatalf("receiver has %d messages, want 2", len(ids))
	}
}

// checkDSN finds the failure report and checks its RFC 3464 parts and
// the DSN extra information.
func checkDSN(t *testing.T, dir string, port int) {
	t.Helper()
	var files []string
	for i := 0; i < 100 && len(files) == 0; i++ {
		files, _ = filepath.Glob(filepath.Join(dir, "*"))
		time.Sleep(20 * time.Millisecond)
	}
	if len(files) != 1 {
		t.Fatalf("sender's Maildir has %v", files)
	}
	raw, _ := os.ReadFile(files[0])
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/report" || params["report-type"] != "delivery-status" {
		t.Fatalf("Content-Type %q", m.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var status []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Header.Get("Content-Type") == "message/delivery-status" {
			status, _ = io.ReadAll(p)
		}
	}
	// Per-recipient fields follow the per-message ones after a blank line.
	tr := textproto.NewReader(bufioReader(status))
	tr.ReadMIMEHeader()
	rcpt, _ := tr.ReadMIMEHeader()
	want := map[string]string{
		"Final-Recipient":            "rfc822;bad@remote.test",
		"Action":                     "failed",
		"Status":                     "5.0.0",
		"Remote-Mta":                 "dns; 127.0.0.1",
		"X-Remote-Mta-Smtp-Greeting": "X-str; 220 receiver.test ESMTP greeting text",
		"X-Remote-Mta-Helo-Response": "X-str; 250-receiver.test Hello sender.test [127.0.0.1]",
		"X-Exim-Diagnostic":          "X-str; SMTP error from remote mail server after RCPT TO:<bad@remote.test>: 550 5.1.1 no such user here",
		"Diagnostic-Code":            "smtp; 550 5.1.1 no such user here",
	}
	// The extra Remote-MTA line gives the address and the (non-standard)
	// port, after the standard one.
	if vs := rcpt.Values("Remote-Mta"); len(vs) != 2 || vs[1] != fmt.Sprintf("X-ip; [127.0.0.1]:%d", port) {
		t.Errorf("Remote-MTA lines %q", vs)
	}
	for k, v := range want {
		if got := rcpt.Get(k); got != v {
			t.Errorf("DSN %s: %q, want %q", k, got, v)
		}
	}
	if t.Failed() {
		t.Logf("delivery-status part:\n%s", status)
	}
}

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }
