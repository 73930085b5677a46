package bounce

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"exigo/internal/item"
	"exigo/internal/spool"
)

func TestFailureStructure(t *testing.T) {
	cfg := loadConfig(t, "errors_reply_to = pm@test.ex\n")
	msg := message("sender@test.ex", stdHeaders(), "Body line one\nBody line two\n")
	msg.Header.DSNEnvID = "env+2Bid"
	a := item.New("bad@remote.ex")
	a.ORCPT = "rfc822;orig@remote.ex"
	a.HostUsed = &item.Host{Name: "mx.remote.ex", Address: "192.0.2.1", Port: 587}
	a.Message = "SMTP error from remote mail server after RCPT TO:<bad@remote.ex>: 550-hard error here\\n550 second line"
	a.PassMessage, a.RemoteDiagnostic = true, a.Message
	a.RemoteGreeting = "220 mx.remote.ex ESMTP"
	a.RemoteHeloReply = "250-mx.remote.ex Hello\n250 SIZE"
	list := item.New("list@test.ex")
	child := list.Child("gone@test.ex")
	child.PassMessage, child.Message = true, "gone away"
	_, rcpts, data, err := Failure(cfg, nil, msg, []*item.Address{a, child}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rcpts) != 1 || rcpts[0] != "sender@test.ex" {
		t.Errorf("recipients %q", rcpts)
	}
	p := parse(t, data)
	h := p.msg.Header
	for k, want := range map[string]string{
		"X-Failed-Recipients": "bad@remote.ex, gone@test.ex",
		"Reply-To":            "pm@test.ex",
		"Auto-Submitted":      "auto-replied",
		"From":                "Mail Delivery System <Mailer-Daemon@test.ex>",
		"To":                  "sender@test.ex",
		"References":          "<E1xXtXs-0006vK-1i@test.ex>",
		"Mime-Version":        "1.0",
		"Subject":             "Mail delivery failed: returning message to sender",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if len(p.parts) != 3 {
		t.Fatalf("%d parts", len(p.parts))
	}
	text := string(p.body[0])
	for _, want := range []string{
		"A message that you sent could not be delivered",
		"  bad@remote.ex\n    host mx.remote.ex [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<bad@remote.ex>:\n    550-hard error here\n    550 second line\n",
		"  gone@test.ex\n    (generated from list@test.ex)\n    gone away\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	if ct := p.parts[1].Header.Get("Content-Type"); ct != "message/delivery-status" {
		t.Errorf("status type %q", ct)
	}
	groups := fields(t, p.body[1])
	if len(groups) != 3 || groups[0]["Reporting-MTA"] != "dns; test.ex" || groups[0]["Original-Envelope-ID"] != "env+2Bid" {
		t.Fatalf("groups %v", groups)
	}
	// Exim lists them in the reverse order of the text part.
	g := groups[1]
	if g["Final-Recipient"] != "rfc822;list@test.ex" || g["Action"] != "failed" || g["Status"] != "5.0.0" || g["Remote-MTA"] != "" {
		t.Errorf("child group %v", g)
	}
	g = groups[2]
	for k, want := range map[string]string{
		"Original-Recipient":         "rfc822;orig@remote.ex",
		"Final-Recipient":            "rfc822;bad@remote.ex",
		"Remote-MTA":                 "X-ip; [192.0.2.1]:587",
		"X-Remote-MTA-smtp-greeting": "X-str; 220 mx.remote.ex ESMTP",
		"X-Remote-MTA-helo-response": "X-str; 250-mx.remote.ex Hello",
		"X-Exim-Diagnostic":          "X-str; " + a.Message,
		"Diagnostic-Code":            "smtp; 550-hard error here\n 550 second line",
	} {
		if g[k] != want {
			t.Errorf("%s: %q, want %q", k, g[k], want)
		}
	}
	if !strings.Contains(string(p.body[1]), "Remote-MTA: dns; mx.remote.ex\nRemote-MTA: X-ip; [192.0.2.1]:587\n") {
		t.Errorf("Remote-MTA lines:\n%s", p.body[1])
	}
	if ct := p.parts[2].Header.Get("Content-Type"); ct != "message/rfc822" {
		t.Errorf("copy type %q", ct)
	}
	if !strings.HasPrefix(string(p.body[2]), "Return-path: <sender@test.ex>\nReceived: from root") ||
		!strings.HasSuffix(string(p.body[2]), "\nBody line one\nBody line two\n") {
		t.Errorf("copy:\n%s", p.body[2])
	}
}

func TestFailureOptions(t *testing.T) {
	a := func() *item.Address {
		a := item.New("x@nowhere.ex")
		a.UserMessage = "Unrouteable address"
		return a
	}
	// dsn_extra_info off; RET=HDRS; not to the sender; template.
	dir := t.TempDir()
	tpl := dir + "/bmf"
	writeFile(t, tpl, "Subject: Custom for $bounce_recipient\nX-Custom: yes\n****\nIntro $sender_address $bounce_return_size_limit\n****\ngen\n****\ncopy\n")
	cfg := loadConfig(t, "dsn_extra_info = false\nbounce_message_file = "+tpl+"\n")
	msg := message("sender@test.ex", stdHeaders(), "body\n")
	msg.Header.DSNRet = retHdrs
	b := a()
	b.ErrorsTo = "owner@test.ex"
	b.HostUsed = &item.Host{Name: "h", Address: "1.2.3.4"}
	_, rcpts, data, err := Failure(cfg, nil, msg, []*item.Address{b}, t0)
	if err != nil {
		t.Fatal(err)
	}
	p := parse(t, data)
	if p.msg.Header.Get("Subject") != "Custom for owner@test.ex" || p.msg.Header.Get("X-Custom") != "yes" || rcpts[0] != "owner@test.ex" {
		t.Errorf("template headers: %v %q", p.msg.Header, rcpts)
	}
	if got := string(p.body[0]); got != "Intro sender@test.ex 102400\n\n  x@nowhere.ex\n    host h [1.2.3.4]\n    Unrouteable address\n" {
		t.Errorf("intro: %q", got)
	}
	if strings.Contains(string(p.body[1]), "X-ip") {
		t.Errorf("extra info with dsn_extra_info off:\n%s", p.body[1])
	}
	if ct := p.parts[2].Header.Get("Content-Type"); ct != "text/rfc822-headers" || strings.Contains(string(p.body[2]), "body") {
		t.Errorf("RET=HDRS: %q\n%s", ct, p.body[2])
	}
	// Too big: headers only, with a note; not to the sender.
	cfg = loadConfig(t, "bounce_return_size_limit = 10\nbounce_message_text = Extra.\\n\n")
	big := message("sender@test.ex", stdHeaders(), strings.Repeat("x", 9000)+"\n")
	c := a()
	c.ErrorsTo = "owner@test.ex"
	_, _, data, _ = Failure(cfg, nil, big, []*item.Address{c}, t0)
	p = parse(t, data)
	if p.msg.Header.Get("Subject") != "Mail delivery failed" || !strings.Contains(string(p.body[0]), "Extra.\\n\nA message sent by\n\n  <sender@test.ex>\n\ncould not be delivered") {
		t.Errorf("not to sender:\n%s", p.body[0])
	}
	if !strings.HasSuffix(string(p.body[2]), "X-Exim-DSN-Information: Due to administrative limits only headers are returned\n\n") {
		t.Errorf("big copy:\n%s", p.body[2])
	}
}

func TestFailuresGrouping(t *testing.T) {
	cfg := loadConfig(t, "errors_copy = owner@test.ex c1@test.ex, C2 <c2@test.ex>\n")
	msg := message("sender@test.ex", stdHeaders(), "b\n")
	mk := func(addr, errorsTo string, flags int) *item.Address {
		a := item.New(addr)
		a.ErrorsTo, a.DSNFlags = errorsTo, flags
		return a
	}
	failed := []*item.Address{
		mk("a@x", "", 0), mk("b@x", "owner@test.ex", 0), mk("c@x", "", spool.DSNNotifyDelay),
		mk("d@x", "", 0), func() *item.Address { a := mk("e@x", "", 0); a.IgnoreError = true; return a }(),
	}
	reports, ignored, lines, err := Failures(cfg, nil, msg, failed, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 2 || len(reports[0].Addresses) != 2 || reports[0].Addresses[1].Address != "d@x" ||
		reports[1].Recipients[0] != "owner@test.ex" || strings.Join(reports[1].Recipients, " ") != "owner@test.ex c1@test.ex c2@test.ex" {
		t.Fatalf("reports %+v", reports)
	}
	if !strings.Contains(string(reports[1].Data), "Bcc: c1@test.ex, C2 <c2@test.ex>\n") {
		t.Errorf("no Bcc:\n%s", reports[1].Data)
	}
	want := []string{"c@x: error ignored: RFC 3461 DSN, failure notify not requested", "e@x: error ignored"}
	if len(ignored) != 2 || strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("ignored %q", lines)
	}
	// A bounce's own failures go nowhere.
	bounceMsg := message("", stdHeaders(), "b\n")
	reports, ignored, _, _ = Failures(cfg, nil, bounceMsg, []*item.Address{mk("a@x", "", 0)}, t0)
	if len(reports) != 0 || len(ignored) != 1 {
		t.Errorf("bounce of a bounce: %d reports", len(reports))
	}
}

func TestReferences(t *testing.T) {
	var hs []spool.HeaderLine
	if references(hs) != "" {
		t.Error("no ids: no line")
	}
	var ids []string
	for i := 1; i <= 14; i++ {
		ids = append(ids, "<r"+string(rune('a'+i))+"@x>")
	}
	hs = []spool.HeaderLine{
		{Type: spool.HeaderOther, Text: "References: " + strings.Join(ids, "\n ") + " (c)\n"},
		{Type: spool.HeaderMessageID, Text: "Message-ID:  <m@y>\n"},
	}
	got := references(hs)
	want := "References: " + ids[0] + " " + strings.Join(ids[3:], " ") + " <m@y>\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	hs = []spool.HeaderLine{{Type: spool.HeaderOther, Text: "In-Reply-To: <p@q>\n"}}
	if got := references(hs); got != "References: <p@q>\n" {
		t.Errorf("in-reply-to: %q", got)
	}
}

func TestPipeAndHidden(t *testing.T) {
	cfg := loadConfig(t, "")
	msg := message("sender@test.ex", stdHeaders(), "b\n")
	top := item.New("me@test.ex")
	pipe := top.Child("|/bin/prog")
	pipe.Pipe, pipe.PassMessage, pipe.Message = "|/bin/prog", true, "Child process of t transport returned 1"
	ret := filepath.Join(t.TempDir(), "return")
	writeFile(t, ret, "prog said no\n")
	pipe.ReturnFile = ret
	mid := top.Child("mid@test.ex")
	hidden := mid.Child("secret@test.ex")
	hidden.HideChild, hidden.PassMessage, hidden.Message = true, true, "gone"
	_, _, data, err := Failure(cfg, nil, msg, []*item.Address{pipe, hidden}, t0)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{
		"X-Failed-Recipients: me@test.ex\n",
		"  pipe to |/bin/prog\n    generated by me@test.ex\n    Child process of t transport returned 1\n",
		"  an undisclosed address\n    (ultimately generated from me@test.ex)\n",
		"The following text was generated during the delivery attempt:\n\n------ pipe to |/bin/prog\n       generated by me@test.ex ------\n\nprog said no\n\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("lacks %q:\n%s", want, s)
		}
	}
	// The return file is gone once copied in.
	if _, err := os.Stat(ret); !os.IsNotExist(err) {
		t.Errorf("return file left: %v", err)
	}
	// The report part lists the output-carrying address first.
	if i, j := strings.Index(s, "Action: failed\nFinal-Recipient: rfc822;me@test.ex"), strings.LastIndex(s, "Final-Recipient"); i < 0 || j < 0 {
		t.Errorf("report part:\n%s", s)
	}
}
