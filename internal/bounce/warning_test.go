package bounce

import (
	"strings"
	"testing"
	"time"

	"exigo/internal/item"
	"exigo/internal/spool"
)

func TestWarningSchedule(t *testing.T) {
	for _, c := range []struct {
		list   string
		queued time.Duration
		count  int
		delay  string
	}{
		{"4h:8h:24h", 3 * time.Hour, 0, ""},
		{"4h:8h:24h", 5 * time.Hour, 1, "4 hours"},
		{"4h:8h:24h", 9 * time.Hour, 2, "8 hours"},
		{"4h:8h:24h", 25 * time.Hour, 3, "24 hours"},
		{"4h:8h:24h", 41 * time.Hour, 4, "40 hours"}, // then every 16h
		{"6h", 13 * time.Hour, 2, "12 hours"},
		{"30m", 95 * time.Minute, 3, "90 minutes"},
		{"2s:4s", 3 * time.Second, 1, "0 minutes"},
	} {
		cfg := loadConfig(t, "delay_warning = "+c.list+"\n")
		s, ok := WarningSchedule(cfg, c.queued)
		if !ok || s.Count != c.count || c.count > 0 && s.Delay != c.delay {
			t.Errorf("%s at %v: %+v %v", c.list, c.queued, s, ok)
		}
	}
	cfg := loadConfig(t, "delay_warning = 0s\n")
	if _, ok := WarningSchedule(cfg, time.Hour); ok {
		t.Error("0s turns warnings off")
	}
}

func deferredAddr(addr, why string) *item.Address {
	a := item.New(addr)
	a.Result, a.BasicErrno, a.PassMessage, a.Message = item.Defer, -1, true, why
	return a
}

func TestWarning(t *testing.T) {
	cfg := loadConfig(t, "delay_warning = 1h\n")
	msg := message("sender@test.ex", stdHeaders(), "body\n")
	msg.Header.Received = t0.Add(-90 * time.Minute)
	d := []*item.Address{deferredAddr("slow1@test.ex", "resting"), deferredAddr("slow2@test.ex", "resting too")}
	d[1].HostUsed = &item.Host{Name: "mx.test.ex", Address: "192.0.2.9"}
	d[1].Message = "SMTP error from remote mail server after RCPT TO:<slow2@test.ex>: 451 later"
	n, count, err := Warning(cfg, nil, msg, d, t0, WarningOptions{})
	if err != nil || n == nil || count != 1 {
		t.Fatalf("warning: %v %d %v", n, count, err)
	}
	p := parse(t, n.Data)
	if s := p.msg.Header.Get("Subject"); s != "Warning: message 1xXtXs-0006vK-1i delayed 60 minutes" {
		t.Errorf("subject %q", s)
	}
	text := string(p.body[0])
	for _, want := range []string{
		"A message that you sent has not yet been delivered to one or more of its\nrecipients after more than 60 minutes on the queue on test.ex.\n\n",
		"The message identifier is:     1xXtXs-0006vK-1i\nThe subject of the message is: hello there\nThe date of the message is:    Mon, 30 Nov 2026 11:00:00 +0000\n\n",
		"The addresses to which the message has not yet been delivered are:\n\n  slow1@test.ex\n    Delay reason: resting\n",
		"  slow2@test.ex\n    host mx.test.ex [192.0.2.9]\n    Delay reason: SMTP error from remote mail server after RCPT TO:<slow2@test.ex>:\n    451 later\n",
		"\n\nNo action is required on your part.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	g := fields(t, p.body[1])
	if len(g) != 3 || g[1]["Action"] != "delayed" || g[1]["Status"] != "4.0.0" || g[2]["Remote-MTA"] != "dns; mx.test.ex" ||
		g[2]["Diagnostic-Code"] != "smtp; 451 later" || g[2]["X-Exim-Diagnostic"] != "" {
		t.Errorf("status groups %v", g)
	}
	if ct := p.parts[2].Header.Get("Content-Type"); ct != "text/rfc822-headers" {
		t.Errorf("headers part %q", ct)
	}
	// Already warned once: nothing until the next hour.
	msg.Header.WarningCount = 1
	if n, _, _ := Warning(cfg, nil, msg, d, t0, WarningOptions{}); n != nil {
		t.Error("second warning too early")
	}
	msg.Header.WarningCount = 0
	// Only "retry time not reached": no warning.
	r := deferredAddr("x@test.ex", "")
	r.BasicErrno = item.ErrnoRRetry
	if n, _, _ := Warning(cfg, nil, msg, []*item.Address{r}, t0, WarningOptions{}); n == nil {
		t.Error("routing retry deferrals count as tried (above ERRNO_WARN_BASE)")
	}
	r.BasicErrno = item.ErrnoHRetry
	if n, _, _ := Warning(cfg, nil, msg, []*item.Address{r}, t0, WarningOptions{}); n != nil {
		t.Error("host retry deferrals alone send no warning")
	}
	// NOTIFY without DELAY, and list mail (the default condition).
	d[0].DSNFlags = spool.DSNNotifyFailure
	if n, _, _ := Warning(cfg, nil, msg, d, t0, WarningOptions{}); n != nil {
		t.Error("NOTIFY=FAILURE only: no warning")
	}
	d[0].DSNFlags = 0
	listMsg := message("sender@test.ex", append(stdHeaders(), spool.HeaderLine{Type: ' ', Text: "Precedence: bulk\n"}), "b\n")
	listMsg.Header.Received = msg.Header.Received
	if n, _, _ := Warning(cfg, nil, listMsg, d, t0, WarningOptions{}); n != nil {
		t.Error("Precedence: bulk: no warning")
	}
}

func TestWarningRecipients(t *testing.T) {
	a, b, c := item.New("a@x"), item.New("b@x"), item.New("c@x")
	b.ErrorsTo, c.ErrorsTo = "owner@list.ex", "ner@list.ex"
	if got := warningRecipients([]*item.Address{a, b, c}, "s@x"); got != "s@x,owner@list.ex" {
		t.Errorf("got %q", got)
	}
}

func TestFrozen(t *testing.T) {
	cfg := loadConfig(t, "timeout_frozen_after = 2d\nignore_bounce_errors_after = 1d\nauto_thaw = 1h\n")
	h := &spool.Header{Sender: "s@x", Frozen: true, Received: t0.Add(-3 * time.Hour), FrozenAt: t0.Add(-2 * time.Hour)}
	if got := Frozen(cfg, h, t0, FrozenOptions{}); got != AutoThaw {
		t.Errorf("auto thaw: %v", got)
	}
	h.FrozenAt = t0
	if got := Frozen(cfg, h, t0, FrozenOptions{}); got != StayFrozen || got.LogLine() != "Message is frozen" {
		t.Errorf("stay: %v", got)
	}
	if got := Frozen(cfg, h, t0, FrozenOptions{Forced: true, ForceThaw: true, Admin: true}); got != ForcedThaw {
		t.Errorf("forced: %v", got)
	}
	h.Sender = ""
	h.Received = t0.Add(-25 * time.Hour)
	if got := Frozen(cfg, h, t0, FrozenOptions{}); got != ErrmsgTimer || !IgnoreBounceErrors(cfg, h, t0) {
		t.Errorf("bounce timer: %v", got)
	}
	h.Received = t0.Add(-49 * time.Hour)
	if got := Frozen(cfg, h, t0, FrozenOptions{}); got != TimedOut || got.LogLine() != "cancelled by timeout_frozen_after" {
		t.Errorf("timeout: %v", got)
	}
}
