package smtp

import (
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"exigo/internal/item"
	"exigo/internal/transport"
)

// Debian's Exim 4.96 as the receiving peer. The test runs itself again
// inside a new network namespace (unshare -n, loopback only), starts
// "exim4 -bd" there and delivers to it.

const eximBin = "/usr/sbin/exim4"

const eximServerConf = `primary_hostname = exim.test
spool_directory = DIR/spool
log_file_path = DIR/%slog
exim_user = root
exim_group = root
never_users =
queue_only
log_selector = +smtp_connection
acl_smtp_rcpt = rcpt
acl_smtp_data = data
begin acl
rcpt:
  defer local_parts = defer
        message = try later
  deny  local_parts = deny
        message = no such user
  accept
data:
  defer condition = ${if eq{$h_subject:}{deferdata}}
        message = data deferred
  deny  condition = ${if eq{$h_subject:}{denydata}}
        message = data denied
  accept
begin routers
r:
  driver = accept
  transport = t
begin transports
t:
  driver = appendfile
  file = DIR/mbox
begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${if and {{eq{$auth2}{user}}{eq{$auth3}{secret}}}}
  server_set_id = $auth2
`

func TestAgainstExim(t *testing.T) {
	if _, err := os.Stat(eximBin); err != nil {
		t.Skip("Debian's Exim is not installed (" + eximBin + "); CI installs exim4-daemon-heavy")
	}
	if os.Getenv("EXIGO_SMTP_NETNS") == "" {
		if os.Geteuid() != 0 || exec.Command("unshare", "-n", "true").Run() != nil {
			t.Skip("running Exim needs root and unshare -n (a private network namespace)")
		}
		cmd := exec.Command("unshare", "-n", "sh", "-c",
			`ip link set lo up && exec "$0" -test.run '^TestAgainstExim$' -test.v -test.count=1`, os.Args[0])
		cmd.Env = append(os.Environ(), "EXIGO_SMTP_NETNS=1")
		out, err := cmd.CombinedOutput()
		t.Log(string(out))
		if err != nil {
			t.Fatal("inside the namespace:", err)
		}
		return
	}
	onlyLoopback(t)
	ex := startExim(t)
	t.Run("deliver", ex.testDeliver)
	t.Run("replies", ex.testReplies)
	t.Run("helo", ex.testHELO)
	t.Run("auth", ex.testAuth)
	t.Run("reuse", ex.testReuse)
	t.Run("data", ex.testDATA)
}

// onlyLoopback refuses to go on with a way out of the machine.
func onlyLoopback(t *testing.T) {
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback == 0 {
			t.Fatalf("interface %s is visible: not in a private network namespace", i.Name)
		}
	}
}

type eximPeer struct {
	dir  string
	addr netip.AddrPort
}

func startExim(t *testing.T) *eximPeer {
	dir := t.TempDir()
	conf := filepath.Join(dir, "exim.conf")
	if err := os.WriteFile(conf, []byte(strings.ReplaceAll(eximServerConf, "DIR", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	pidFile := filepath.Join(dir, "pid")
	cmd := exec.Command(eximBin, "-C", conf, "-bd", "-oX", itoa(int(port)), "-oP", pidFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("exim -bd: %v\n%s", err, out)
	}
	ex := &eximPeer{dir: dir, addr: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port)}
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", ex.addr.String())
		if err == nil {
			c.Close()
			break
		}
		if i > 100 {
			t.Fatal("exim does not listen")
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Cleanup(func() {
		if b, err := os.ReadFile(pidFile); err == nil {
			if pid := atoi(strings.TrimSpace(string(b))); pid > 0 {
				syscall.Kill(pid, syscall.SIGTERM)
			}
		}
	})
	return ex
}

func (ex *eximPeer) mainlog(t *testing.T) string {
	return readFile(t, filepath.Join(ex.dir, "mainlog"))
}

// eximBody is the -D file of the message Exim accepted last for rcpt.
func (ex *eximPeer) queued(t *testing.T) []string {
	out, err := exec.Command(eximBin, "-C", filepath.Join(ex.dir, "exim.conf"), "-bp").CombinedOutput()
	if err != nil {
		t.Fatalf("exim -bp: %v %s", err, out)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

func (ex *eximPeer) deliver(t *testing.T, opts string, text string, rcpts ...string) ([]*item.Address, *client) {
	c := newClient(t, opts, "begin authenticators\nplain:\n  driver = plaintext\n  public_name = PLAIN\n"+
		"  client_send = ^user^secret\n")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", text)
	return c.deliver(msg, hostAt(ex.addr), rcpts...), c
}

func (ex *eximPeer) testDeliver(t *testing.T) {
	addrs, _ := ex.deliver(t, "", testMessage, "r1@x.test", "r2@x.test")
	for _, a := range addrs {
		if a.Result != item.OK {
			t.Fatalf("%s: %v %q", a.Address, a.Result, a.Message)
		}
		// Exim's reply to BDAT LAST, as its own client logs it in C=.
		if !strings.HasPrefix(a.SMTPConfirmation, `250- 75 byte chunk, total 75\n250 OK id=`) ||
			!a.Chunking || !a.Pipelining || !strings.HasPrefix(a.TLSCipher, "TLS1.3:") || a.TLSVerified != "no" {
			t.Errorf("C=%q K=%v L=%v X=%q CV=%q", a.SMTPConfirmation, a.Chunking, a.Pipelining, a.TLSCipher, a.TLSVerified)
		}
	}
	log := ex.mainlog(t)
	// Both ends name the session's cipher the same way (GnuTLS's form).
	if !strings.Contains(log, " X="+addrs[0].TLSCipher+" CV=no K ") {
		t.Errorf("our X=%s, exim's log:\n%s", addrs[0].TLSCipher, log)
	}
	if !strings.Contains(log, "<= s@client.test H=(client.test) [127.0.0.1] P=esmtps X=TLS1.3") ||
		!strings.Contains(log, "K S=") {
		t.Errorf("exim's log:\n%s", log)
	}
}

func (ex *eximPeer) testReplies(t *testing.T) {
	addrs, _ := ex.deliver(t, "", testMessage, "ok@x.test", "defer@x.test", "deny@x.test")
	ok, def, deny := addrs[0], addrs[1], addrs[2]
	if ok.Result != item.OK {
		t.Errorf("ok: %v %q", ok.Result, ok.Message)
	}
	if def.Result != item.Defer || def.BasicErrno != item.ErrnoRcpt4xx || def.MoreErrno != 51<<8|'A' ||
		def.Message != "SMTP error from remote mail server after RCPT TO:<defer@x.test>: 451 try later" {
		t.Errorf("defer: %v %d %d %q", def.Result, def.BasicErrno, def.MoreErrno, def.Message)
	}
	if deny.Result != item.Fail ||
		deny.Message != "SMTP error from remote mail server after RCPT TO:<deny@x.test>: 550 no such user" {
		t.Errorf("deny: %v %q", deny.Result, deny.Message)
	}
	if !strings.HasPrefix(deny.RemoteGreeting, "220 exim.test ESMTP Exim 4.96") ||
		!strings.HasPrefix(deny.RemoteHeloReply, "250-exim.test Hello client.test [127.0.0.1]") {
		t.Errorf("DSN info: %q %q", deny.RemoteGreeting, deny.RemoteHeloReply)
	}
	for _, tc := range []struct {
		subject string
		result  item.Result
		errno   int
		msg     string
	}{
		// As Debian's Exim logs it for its own deliveries to this server.
		{"deferdata", item.Defer, item.ErrnoData4xx, "SMTP error from remote mail server after pipelined end of data: 451 data deferred"},
		{"denydata", item.Fail, 0, "SMTP error from remote mail server after pipelined end of data: 550 data denied"},
	} {
		addrs, c := ex.deliver(t, "", "Subject: "+tc.subject+"\n\nbody\n", "a@x.test")
		a := addrs[0]
		if a.Result != tc.result || a.BasicErrno != tc.errno || a.Message != tc.msg || a.MoreErrno&0xff != 'A' {
			t.Errorf("%s: %v %d %q", tc.subject, a.Result, a.BasicErrno, a.Message)
		}
		if tc.result == item.Defer && !strings.Contains(c.mainlog(t), "H=localhost [127.0.0.1]: "+tc.msg) {
			t.Errorf("%s: log\n%s", tc.subject, c.mainlog(t))
		}
	}
}

func (ex *eximPeer) testHELO(t *testing.T) {
	addrs, _ := ex.deliver(t, "  hosts_avoid_esmtp = *", testMessage, "helo@x.test")
	if a := addrs[0]; a.Result != item.OK || a.Chunking || a.Pipelining || a.TLSCipher != "" ||
		!strings.HasPrefix(a.RemoteHeloReply, "250 exim.test Hello client.test [127.0.0.1]") {
		t.Errorf("%v %q helo %q", a.Result, a.Message, a.RemoteHeloReply)
	}
	if !strings.Contains(ex.mainlog(t), "<= s@client.test H=(client.test) [127.0.0.1] P=smtp S=") {
		t.Errorf("exim's log:\n%s", ex.mainlog(t))
	}
}

func (ex *eximPeer) testAuth(t *testing.T) {
	addrs, _ := ex.deliver(t, "  hosts_require_auth = *", testMessage, "auth@x.test")
	if a := addrs[0]; a.Result != item.OK || a.Authenticator != "plain" {
		t.Errorf("%v %q A=%q", a.Result, a.Message, a.Authenticator)
	}
	if !strings.Contains(ex.mainlog(t), "P=esmtpsa X=TLS1.3") || !strings.Contains(ex.mainlog(t), "A=plain:user") {
		t.Errorf("exim's log:\n%s", ex.mainlog(t))
	}
}

func (ex *eximPeer) testReuse(t *testing.T) {
	before := strings.Count(ex.mainlog(t), "(TCP/IP connection count")
	c := newClient(t, "")
	c.conn = transport.NewConns()
	for i := 0; i < 3; i++ {
		msg := newMessage("1xXtVL-0004ee-0"+itoa(i), "s@client.test", testMessage)
		a := c.deliver(msg, hostAt(ex.addr), "reuse"+itoa(i)+"@x.test")[0]
		if a.Result != item.OK || a.Continued != (i > 0) {
			t.Errorf("%d: %v %q continued %v", i, a.Result, a.Message, a.Continued)
		}
	}
	c.conn.Close()
	time.Sleep(100 * time.Millisecond)
	if n := strings.Count(ex.mainlog(t), "(TCP/IP connection count") - before; n != 1 {
		t.Errorf("%d connections for 3 messages:\n%s", n, ex.mainlog(t))
	}
}

func (ex *eximPeer) testDATA(t *testing.T) {
	// Without CHUNKING the message goes after DATA, dot-stuffed.
	addrs, _ := ex.deliver(t, "  hosts_try_chunking = :", "Subject: dots\n\n.\n..x\nend\n", "dots@x.test")
	if a := addrs[0]; a.Result != item.OK || a.Chunking || !strings.HasPrefix(a.SMTPConfirmation, "250 OK id=") {
		t.Fatalf("%v %q C=%q", a.Result, a.Message, a.SMTPConfirmation)
	}
	id := strings.TrimPrefix(addrs[0].SMTPConfirmation, "250 OK id=")
	d := readFile(t, filepath.Join(ex.dir, "spool", "input", id+"-D"))
	if !strings.HasSuffix(d, "\n.\n..x\nend\n") {
		t.Errorf("exim stored %q", d)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}
