package smtp

import (
	"strings"
	"syscall"
	"testing"

	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

func deliverScript(t *testing.T, opts string, script []step, rcpts ...string) ([]*item.Address, []string, *client) {
	t.Helper()
	f := fakeServer(t, script)
	c := newClient(t, opts)
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	addrs := c.deliver(msg, hostAt(f.addr), rcpts...)
	return addrs, <-f.got, c
}

func TestTimeouts(t *testing.T) {
	// No reply to MAIL: a timeout after MAIL is about the message.
	addrs, _, c := deliverScript(t, "  command_timeout = 1s", []step{
		{"", "220 fake.test ESMTP"},
		{"EHLO", "250 fake.test"},
		{"MAIL FROM:", "<hang>"},
	}, "a@x.test")
	a := addrs[0]
	want := "SMTP timeout after MAIL FROM:<s@client.test>"
	if a.Result != item.Defer || a.BasicErrno != int(syscall.ETIMEDOUT) || a.Message != want {
		t.Errorf("%v %d %q", a.Result, a.BasicErrno, a.Message)
	}
	if !strings.Contains(c.mainlog(t), "H=localhost [127.0.0.1]: "+want+": Connection timed out") {
		t.Errorf("log:\n%s", c.mainlog(t))
	}
	if !hasRetry(a, "T:localhost:127.0.0.1:"+itoa(a.HostUsed.Port)+":1xXtVL-0004ee-0v", item.RetryHost|item.RetryMessage) {
		t.Errorf("retries %+v", a.Retries)
	}
	// No banner: a host problem.
	addrs, _, _ = deliverScript(t, "  command_timeout = 1s", []step{{"", "<hang>"}}, "a@x.test")
	a = addrs[0]
	if a.Message != "SMTP timeout after initial connection" || a.BasicErrno != int(syscall.ETIMEDOUT) {
		t.Errorf("%d %q", a.BasicErrno, a.Message)
	}
	// A RCPT timeout ends the session without QUIT.
	addrs, got, _ := deliverScript(t, "  command_timeout = 1s", []step{
		{"", "220 fake.test ESMTP"},
		{"EHLO", "250 fake.test"},
		{"MAIL FROM:", "250 OK"},
		{"RCPT TO:", "<hang>"},
	}, "a@x.test", "b@x.test")
	if addrs[0].Message != "SMTP timeout after RCPT TO:<a@x.test>" || addrs[1].Message != addrs[0].Message ||
		!hasRetry(addrs[0], "R:a@x.test", 0) {
		t.Errorf("%q %q %+v", addrs[0].Message, addrs[1].Message, addrs[0].Retries)
	}
	if got[len(got)-1] == "QUIT" {
		t.Errorf("QUIT sent after a RCPT timeout")
	}
}

func TestBadServers(t *testing.T) {
	for _, tc := range []struct {
		script []step
		errno  int
		msg    string
	}{
		{[]step{{"", "220 fake.test"}, {"EHLO", "<close>"}}, item.ErrnoSMTPClosed,
			"Remote host closed connection in response to EHLO client.test"},
		{[]step{{"", "220 fake.test"}, {"EHLO", "250 fake.test"}, {"MAIL", "hello there"}}, item.ErrnoSMTPFormat,
			"Malformed SMTP reply in response to MAIL FROM:<s@client.test>: hello there"},
		{[]step{{"", "554 go away"}}, 0, "SMTP error from remote mail server after initial connection: 554 go away"},
		{[]step{{"", "220 fake.test"}, {"EHLO", "550 no"}, {"HELO", "<close>"}}, item.ErrnoSMTPClosed,
			"Remote host closed connection in response to HELO client.test (EHLO response was: 550 no)"},
	} {
		addrs, _, _ := deliverScript(t, "", tc.script, "a@x.test")
		a := addrs[0]
		if a.BasicErrno != tc.errno || a.Message != tc.msg {
			t.Errorf("%d %q, want %d %q", a.BasicErrno, a.Message, tc.errno, tc.msg)
		}
	}
	// A 5xx greeting from the last host fails the address.
	addrs, _, _ := deliverScript(t, "", []step{{"", "554 go away"}}, "a@x.test")
	if addrs[0].Result != item.Fail {
		t.Errorf("554 greeting: %v", addrs[0].Result)
	}
}

func TestMaxRcptAndDSN(t *testing.T) {
	f := fakeServer(t, []step{
		{"", "220 fake.test"},
		{"EHLO", "250-fake.test\n250-DSN\n250 PIPELINING"},
		{"MAIL FROM:<s@client.test> RET=HDRS ENVID=xyz", "250 OK"},
		{"RCPT TO:<a@x.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;orig@x.test", "250 OK"},
		{"RCPT TO:<b@x.test>", "250 OK"},
		{"DATA", "354 go"},
		{".", "250 first"},
		{"MAIL FROM:<s@client.test> RET=HDRS ENVID=xyz", "250 OK"},
		{"RCPT TO:<c@x.test>", "250 OK"},
		{"DATA", "354 go"},
		{".", "250 second"},
	})
	c := newClient(t, "  max_rcpt = 2")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	msg.Header.DSNRet, msg.Header.DSNEnvID = 2, "xyz"
	var addrs []*item.Address
	for _, r := range []string{"a@x.test", "b@x.test", "c@x.test"} {
		a := item.New(r)
		a.Hosts = hostAt(f.addr)
		addrs = append(addrs, a)
	}
	addrs[0].DSNFlags = spool.DSNNotifySuccess | spool.DSNNotifyFailure
	addrs[0].ORCPT = "rfc822;orig@x.test"
	c.tr.Deliver(c.env(), msg, addrs)
	got := <-f.got
	if got[1] != "MAIL FROM:<s@client.test> RET=HDRS ENVID=xyz" || got[2] != "RCPT TO:<a@x.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;orig@x.test" {
		t.Errorf("sent %q", got)
	}
	for i, want := range []string{"250 first", "250 first", "250 second"} {
		if addrs[i].Result != item.OK || addrs[i].SMTPConfirmation != want {
			t.Errorf("%d: %v %q %q", i, addrs[i].Result, addrs[i].Message, addrs[i].SMTPConfirmation)
		}
	}
	if addrs[0].Continued || !addrs[2].Continued {
		t.Errorf("continued flags %v %v", addrs[0].Continued, addrs[2].Continued)
	}
}

func TestHostsInTurn(t *testing.T) {
	// The first host refuses a recipient for now; the second takes it.
	first := fakeServer(t, []step{
		{"", "220 one"}, {"EHLO", "250 one"}, {"MAIL", "250 OK"}, {"RCPT TO:<a@x.test>", "250 OK"},
		{"RCPT TO:<b@x.test>", "452 full"}, {"DATA", "354 go"}, {".", "250 one took it"},
	})
	second := fakeServer(t, []step{
		{"", "220 two"}, {"EHLO", "250 two"}, {"MAIL", "250 OK"}, {"RCPT TO:<b@x.test>", "250 OK"},
		{"DATA", "354 go"}, {".", "250 two took it"},
	})
	c := newClient(t, "")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	hosts := append(hostAt(first.addr), hostAt(second.addr)...)
	hosts[1].Name = "two"
	addrs := c.deliver(msg, hosts, "a@x.test", "b@x.test")
	<-first.got
	<-second.got
	if addrs[0].SMTPConfirmation != "250 one took it" || addrs[1].SMTPConfirmation != "250 two took it" ||
		addrs[1].HostUsed.Name != "two" {
		t.Errorf("%q %q", addrs[0].SMTPConfirmation, addrs[1].SMTPConfirmation)
	}
	// A 4xx with another host to come is logged at once.
	if !strings.Contains(c.mainlog(t), "H=localhost [127.0.0.1]: SMTP error from remote mail server after RCPT TO:<b@x.test>: 452 full") {
		t.Errorf("log:\n%s", c.mainlog(t))
	}
}

func TestFallbackHosts(t *testing.T) {
	fb := fakeServer(t, []step{
		{"", "220 fb"}, {"EHLO", "250 fb"}, {"MAIL", "250 OK"}, {"RCPT", "250 OK"}, {"DATA", "354 go"}, {".", "250 fallback"},
	})
	c := newClient(t, "  allow_localhost\n  fallback_hosts = 127.0.0.1::"+itoa(int(fb.addr.Port())))
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	hosts := hostAt(fb.addr)
	hosts[0].Port = int(freePort(t))
	a := c.deliver(msg, hosts, "a@x.test")[0]
	if a.Result != item.OK || a.SMTPConfirmation != "250 fallback" {
		t.Errorf("%v %q %q", a.Result, a.Message, a.SMTPConfirmation)
	}
}

func TestConnectionReuse(t *testing.T) {
	ts := startServer(t, acceptAll, true)
	rec := record(t, ts.addr)
	c := newClient(t, "  connection_max_messages = 3")
	c.conn = transport.NewConns()
	for i := 0; i < 4; i++ {
		msg := newMessage("1xXtVL-0004ee-0"+itoa(i), "s@client.test", testMessage)
		a := c.deliver(msg, hostAt(rec.addr), "a@server.test")[0]
		if a.Result != item.OK || a.Continued != (i%3 != 0) {
			t.Fatalf("message %d: %v %q continued %v", i, a.Result, a.Message, a.Continued)
		}
	}
	c.conn.Close()
	if got := len(ts.messages(t)); got != 4 {
		t.Errorf("server has %d messages", got)
	}
	// Two connections: three messages on the first, one on the second;
	// each sees one EHLO in clear (then TLS).
	if n := strings.Count(rec.text(), "STARTTLS\r\n"); n != 2 {
		t.Errorf("%d connections", n)
	}
}

func TestBigMessageChunks(t *testing.T) {
	ts := startServer(t, acceptAll, false)
	rec := record(t, ts.addr)
	c := newClient(t, "")
	body := strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd\n", 200)
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", "Subject: big\n\n"+body)
	a := c.deliver(msg, hostAt(rec.addr), "a@server.test")[0]
	if a.Result != item.OK {
		t.Fatalf("%v %q", a.Result, a.Message)
	}
	// Headers in a first chunk, then the body with LAST.
	if !strings.Contains(rec.text(), "BDAT 16\r\nSubject: big\r\n\r\nBDAT 12800 LAST\r\n") {
		t.Errorf("sent %q", rec.text()[:200])
	}
	got := ts.messages(t)
	if len(got) != 1 || ts.body(t, got[0]) != body {
		t.Errorf("body differs")
	}
}

func TestLinesTooLong(t *testing.T) {
	c := newClient(t, "")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	msg.Header.MaxReceivedLinelength = 2000
	a := c.deliver(msg, []item.Host{{Name: "x", Address: "127.0.0.1", Port: 1}}, "a@x.test")[0]
	if a.Result != item.Fail || a.BasicErrno != item.ErrnoSMTPFormat || a.Message != "message has lines too long for transport" {
		t.Errorf("%v %d %q", a.Result, a.BasicErrno, a.Message)
	}
}
