package smtp

import (
	"strings"
	"testing"

	"exigo/internal/item"
)

const acceptAll = "acl_smtp_rcpt = accept\n"

const testMessage = "From: a@client.test\nTo: r@server.test\nSubject: test\n\nHello\n.dot line\n"

func TestDeliverToExigo(t *testing.T) {
	ts := startServer(t, acceptAll, false)
	rec := record(t, ts.addr)
	c := newClient(t, "")
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	addrs := c.deliver(msg, hostAt(rec.addr), "r1@server.test", "r2@server.test")
	for _, a := range addrs {
		if a.Result != item.OK {
			t.Fatalf("%s: %v %q", a.Address, a.Result, a.Message)
		}
		if a.HostUsed == nil || a.HostUsed.Port != int(rec.addr.Port()) {
			t.Errorf("host used %+v", a.HostUsed)
		}
		if !strings.Contains(a.SMTPConfirmation, "250 OK id=") || !a.Chunking || !a.Pipelining {
			t.Errorf("confirmation %q chunking %v pipelining %v", a.SMTPConfirmation, a.Chunking, a.Pipelining)
		}
	}
	got := ts.messages(t)
	if len(got) != 1 || len(got[0].Recipients) != 2 || got[0].Sender != "s@client.test" {
		t.Fatalf("server has %+v", got)
	}
	if b := ts.body(t, got[0]); b != "Hello\n.dot line\n" {
		t.Errorf("body %q", b)
	}
	want := "EHLO client.test\r\nMAIL FROM:<s@client.test> SIZE=1098\r\nRCPT TO:<r1@server.test>\r\n" +
		"RCPT TO:<r2@server.test>\r\nBDAT 75 LAST\r\n" + "From: a@client.test\r\nTo: r@server.test\r\n" +
		"Subject: test\r\n\r\nHello\r\n.dot line\r\nQUIT\r\n"
	if got := rec.text(); got != want {
		t.Errorf("client sent\n%q\nwant\n%q", got, want)
	}
}
