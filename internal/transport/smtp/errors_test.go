package smtp

import (
	"net/netip"
	"strings"
	"syscall"
	"testing"

	"exigo/internal/item"
)

func TestHELOFallbackAndReplies(t *testing.T) {
	f := fakeServer(t, []step{
		{"", "220 fake.test ESMTP"},
		{"EHLO client.test", "500 what?"},
		{"HELO client.test", "250 fake.test"},
		{"MAIL FROM:<s@client.test>", "250 OK"},
		{"RCPT TO:<ok@x.test>", "250 OK"},
		{"RCPT TO:<perm@x.test>", "550 no such user"},
		{"RCPT TO:<temp@x.test>", "451 try later"},
		{"DATA", "354 go ahead"},
		{".", "250 OK queued as 42"},
	})
	c := newClient(t, "")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	addrs := c.deliver(msg, hostAt(f.addr), "ok@x.test", "perm@x.test", "temp@x.test")
	got := <-f.got
	if got[len(got)-1] != "QUIT" {
		t.Errorf("no QUIT: %q", got)
	}
	ok, perm, temp := addrs[0], addrs[1], addrs[2]
	if ok.Result != item.OK || ok.SMTPConfirmation != "250 OK queued as 42" || ok.Pipelining || ok.Chunking {
		t.Errorf("ok: %v %q", ok.Result, ok.SMTPConfirmation)
	}
	if perm.Result != item.Fail || perm.Message != "SMTP error from remote mail server after RCPT TO:<perm@x.test>: 550 no such user" {
		t.Errorf("perm: %v %q", perm.Result, perm.Message)
	}
	if temp.Result != item.Defer || temp.BasicErrno != item.ErrnoRcpt4xx || temp.MoreErrno != 51<<8|'A' ||
		temp.RetryKey != "R:temp@x.test:<s@client.test>" {
		t.Errorf("temp: %v %d %d %q", temp.Result, temp.BasicErrno, temp.MoreErrno, temp.RetryKey)
	}
	// The DSN extra information, for the bounce.
	if perm.RemoteGreeting != "220 fake.test ESMTP" || perm.RemoteHeloReply != "250 fake.test" ||
		perm.RemoteDiagnostic != perm.Message || perm.HostUsed == nil || perm.HostUsed.Port != int(f.addr.Port()) {
		t.Errorf("dsn info: %q %q %q %+v", perm.RemoteGreeting, perm.RemoteHeloReply, perm.RemoteDiagnostic, perm.HostUsed)
	}
	if len(temp.Retries) != 1 || temp.Retries[0].Key != "R:temp@x.test:<s@client.test>" ||
		!strings.HasPrefix(temp.Retries[0].Message, "H=localhost [127.0.0.1]: SMTP error") {
		t.Errorf("retries %+v", temp.Retries)
	}
}

func TestDataReplies(t *testing.T) {
	for _, tc := range []struct {
		reply  string
		result item.Result
		errno  int
		log    bool
	}{
		{"451 data deferred", item.Defer, item.ErrnoData4xx, true},
		{"550 data denied", item.Fail, 0, false},
	} {
		f := fakeServer(t, []step{
			{"", "220 fake.test ESMTP"},
			{"EHLO", "250-fake.test\n250 PIPELINING"},
			{"MAIL FROM:<s@client.test>", "250 OK"},
			{"RCPT TO:<a@x.test>", "250 OK"},
			{"DATA", "354 go ahead"},
			{".", tc.reply},
		})
		c := newClient(t, "")
		msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
		a := c.deliver(msg, hostAt(f.addr), "a@x.test")[0]
		<-f.got
		want := "SMTP error from remote mail server after end of data: " + tc.reply
		if a.Result != tc.result || a.BasicErrno != tc.errno || a.Message != want {
			t.Errorf("%s: %v %d %q", tc.reply, a.Result, a.BasicErrno, a.Message)
		}
		logged := strings.Contains(c.mainlog(t), "H=localhost [127.0.0.1]: "+want)
		if logged != tc.log {
			t.Errorf("%s: logged %v:\n%s", tc.reply, logged, c.mainlog(t))
		}
		key := "T:localhost:127.0.0.1:" + portOf(f) + ":1xXtVL-0004ee-0v"
		if tc.result == item.Defer && (a.RetryKey != key || !hasRetry(a, key, item.RetryMessage|item.RetryHost)) {
			t.Errorf("retries %q %+v", a.RetryKey, a.Retries)
		}
	}
}

func TestConnectionRefused(t *testing.T) {
	c := newClient(t, "")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	hosts := hostAt(netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), freePort(t)))
	a := c.deliver(msg, hosts, "a@x.test")[0]
	if a.Result != item.Defer || a.BasicErrno != int(syscall.ECONNREFUSED) || a.Message != "" || a.HostUsed != nil {
		t.Errorf("%v %d %q %+v", a.Result, a.BasicErrno, a.Message, a.HostUsed)
	}
	if !strings.Contains(c.mainlog(t), "H=localhost [127.0.0.1] Connection refused") {
		t.Errorf("log:\n%s", c.mainlog(t))
	}
	if a.RetryKey != "T:localhost:127.0.0.1:"+itoa(hosts[0].Port) || a.MoreErrno != 'A' {
		t.Errorf("retry key %q more %d", a.RetryKey, a.MoreErrno)
	}
}

func hasRetry(a *item.Address, key string, flags int) bool {
	for _, r := range a.Retries {
		if r.Key == key && r.Flags == flags {
			return true
		}
	}
	return false
}
