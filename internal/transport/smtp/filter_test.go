package smtp

import (
	"strings"
	"syscall"
	"testing"

	"exigo/internal/item"
)

// A filtered message goes with DATA even to a CHUNKING server (Exim
// cannot know the filter's output size for BDAT), the filter sees $host
// and $host_address, and output without a final newline gets one
// before the dot.
func TestFilterOverSMTP(t *testing.T) {
	addrs, got, _ := deliverScript(t, "  transport_filter = /bin/sh -c 'tr a-z A-Z; printf \"[%s %s]\" \"\\$0\" \"\\$1\"' $host $host_address", []step{
		{"", "220 fake.test ESMTP"},
		{"EHLO", "250-fake.test\n250-PIPELINING\n250 CHUNKING"},
		{"MAIL FROM:", "250 OK"},
		{"RCPT TO:", "250 OK"},
		{"DATA", "354 go"},
		{".", "250 done"},
	}, "a@x.test")
	if addrs[0].Result != item.OK || addrs[0].Chunking {
		t.Fatalf("%v %q chunking=%v", addrs[0].Result, addrs[0].Message, addrs[0].Chunking)
	}
	data := got[4]
	if !strings.HasSuffix(data, "[localhost 127.0.0.1]\r\n.") || strings.ContainsAny(strings.TrimSuffix(data, "[localhost 127.0.0.1]\r\n."), "abcdefghijklmnopqrstuvwxyz") {
		t.Errorf("data %q", data)
	}
}

// A failing filter defers with Exim's message and error number, and the
// connection is dropped without QUIT (that would end the data).
func TestFilterFailsOverSMTP(t *testing.T) {
	addrs, got, _ := deliverScript(t, "  transport_filter = /bin/sh -c 'cat >/dev/null; exit 1'", []step{
		{"", "220 fake.test ESMTP"},
		{"EHLO", "250 fake.test"},
		{"MAIL FROM:", "250 OK"},
		{"RCPT TO:", "250 OK"},
		{"DATA", "354 go"},
	}, "a@x.test")
	a := addrs[0]
	if a.Result != item.Defer || a.BasicErrno != item.ErrnoFilterFail || a.Message != "transport filter process failed (1)" || a.HostUsed == nil {
		t.Errorf("%v %d %q", a.Result, a.BasicErrno, a.Message)
	}
	for _, l := range got {
		if l == "QUIT" {
			t.Errorf("QUIT sent: %q", got)
		}
	}
	// A filter that says nothing for transport_filter_timeout: Exim's
	// SMTP timeout after the data block.
	addrs, _, _ = deliverScript(t, "  transport_filter = /bin/sleep 3\n  transport_filter_timeout = 1s", []step{
		{"", "220 fake.test ESMTP"},
		{"EHLO", "250 fake.test"},
		{"MAIL FROM:", "250 OK"},
		{"RCPT TO:", "250 OK"},
		{"DATA", "354 go"},
	}, "a@x.test")
	if a := addrs[0]; a.Result != item.Defer || a.BasicErrno != int(syscall.ETIMEDOUT) || a.Message != "SMTP timeout after sending data block" {
		t.Errorf("%v %d %q", a.Result, a.BasicErrno, a.Message)
	}
	// An argument that does not expand defers before MAIL.
	addrs, got, _ = deliverScript(t, "  transport_filter = /bin/cat ${lookup{x}lsearch{/nonexistent}}", []step{
		{"", "220 fake.test ESMTP"},
		{"EHLO", "250 fake.test"},
		{"QUIT", "221 bye"},
	}, "a@x.test")
	if a := addrs[0]; a.Result != item.Defer || !strings.HasPrefix(a.Message, "Expansion of \"${lookup{x}lsearch{/nonexistent}}\" from command \"/bin/cat ${lookup{x}lsearch{/nonexistent}}\" in t transport failed: ") {
		t.Errorf("%v %q (sent %q)", a.Result, a.Message, got)
	}
}
