package bounce

import (
	"fmt"
	"strings"
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// Schedule is where a message stands against delay_warning.
type Schedule struct {
	// Count is how many warnings should have gone by now; one is due
	// when the message's warning count is lower.
	Count int
	// Delay is the time the warning reports ("30 minutes", "4 hours").
	Delay string
}

// WarningSchedule applies the delay_warning times to a message that has
// been queued for queued: after the last time, the last interval repeats.
// ok is false when warnings are off (no times, or a zero first time).
func WarningSchedule(cfg *conf.Config, queued time.Duration) (s Schedule, ok bool) {
	times := delayTimes(cfg.String("delay_warning"))
	if len(times) == 0 || times[0] <= 0 {
		return s, false
	}
	q := int64(queued / time.Second)
	count := 0
	for count < len(times) && q >= times[count] {
		count++
	}
	show := int64(len(times)) // Exim's delay_warning[1], when no time has passed
	if count > 0 {
		show = times[count-1]
	}
	if count >= len(times) {
		gap := show
		if count > 1 {
			gap -= times[count-2]
		}
		if gap > 0 {
			extra := (q - times[count-1]) / gap
			show += gap * extra
			count += int(extra)
		}
	}
	s.Count = count
	if q < 120*60 {
		s.Delay = fmt.Sprintf("%d minutes", show/60)
	} else {
		s.Delay = fmt.Sprintf("%d hours", show/3600)
	}
	return s, true
}

// delayTimes reads delay_warning ("4h:8h:24h") in seconds; at most ten.
func delayTimes(s string) []int64 {
	var out []int64
	for _, f := range strings.Split(s, ":") {
		d, ok := conf.ParseTime(strings.TrimSpace(f))
		if !ok {
			return nil
		}
		out = append(out, int64(d/time.Second))
	}
	return out[:min(len(out), 10)]
}

// WarningOptions are the delivery's circumstances for Warning.
type WarningOptions struct {
	// TwoStage: a two-stage queue run's first pass (-qq) sends none.
	TwoStage bool
	// Log receives the panic line for a failed delay_warning_condition.
	Log func(line string)
}

// Warning decides whether the deferred addresses (Exim's chain of them,
// in order) call for a delay warning now and builds it. It returns nil
// when none is due; otherwise the message's new warning count, which
// the -H file must record once the warning is spooled.
func Warning(cfg *conf.Config, ctx *expand.Context, msg *transport.Message, deferred []*item.Address, now time.Time, opt WarningOptions) (*Notice, int, error) {
	h := msg.Header
	if len(deferred) == 0 || h.Sender == "" || opt.TwoStage || !warningWanted(deferred) {
		return nil, 0, nil
	}
	sched, ok := WarningSchedule(cfg, now.Sub(h.Received))
	if !ok || h.WarningCount >= sched.Count {
		return nil, 0, nil
	}
	if !conditionAllows(cfg, ctx, msg, deferred, opt) {
		return nil, 0, nil
	}
	n, err := buildWarning(cfg, ctx, msg, deferred, now, sched)
	return n, sched.Count, err
}

// warningWanted: some address was really tried (not just "retry time
// not reached"), and DSN did not rule delay notices out.
func warningWanted(deferred []*item.Address) bool {
	tried := false
	for _, a := range deferred {
		if a.BasicErrno > item.ErrnoLRetry {
			tried = true
		}
	}
	f := deferred[0].DSNFlags
	return tried && (f&dsnNotifyAny == 0 || f&spool.DSNNotifyDelay != 0)
}

// conditionAllows expands delay_warning_condition with $domain set when
// all the addresses share one.
func conditionAllows(cfg *conf.Config, ctx *expand.Context, msg *transport.Message, deferred []*item.Address, opt WarningOptions) bool {
	cond := cfg.String("delay_warning_condition")
	if cond == "" {
		return true
	}
	c := withVars(messageContext(ctx, cfg, msg.Header), nil, map[string]string{"domain": commonDomain(deferred)})
	ok, err := c.Condition(cond)
	if err != nil && opt.Log != nil {
		opt.Log(fmt.Sprintf("failed to expand condition \"%s\" for delay_warning option: %s", cond, err))
	}
	return err == nil && ok
}

func commonDomain(deferred []*item.Address) string {
	dom := func(a *item.Address) string {
		if isPFR(a) && a.Parent != nil {
			return a.Parent.Domain
		}
		return a.Domain
	}
	d := dom(deferred[0])
	for _, a := range deferred[1:] {
		if dom(a) != d {
			return ""
		}
	}
	return d
}

// warningRecipients lists each address's errors address (else the
// sender) once; as in Exim, an address inside one already listed counts
// as listed.
func warningRecipients(deferred []*item.Address, sender string) string {
	list := ""
	for _, a := range deferred {
		s := bounceRecipient(a, sender)
		if !strings.Contains(list, s) {
			if list != "" {
				list += ","
			}
			list += s
		}
	}
	return list
}

func buildWarning(cfg *conf.Config, ctx *expand.Context, msg *transport.Message, deferred []*item.Address, now time.Time, sched Schedule) (*Notice, error) {
	bd := newBuilder(cfg, ctx, msg, now)
	to := warningRecipients(deferred, msg.Header.Sender)
	bd.ctx = withVars(bd.ctx, nil, map[string]string{"warn_message_delay": sched.Delay, "warn_message_recipients": to})
	bd.n.Recipients = addressesIn(to)
	tpl := bd.openTemplate("warn_message_file", "warning")
	defer tpl.close()
	bound := bd.boundary()
	bd.commonHeaders(to, bound)
	if s, ok := bd.next(tpl, "header"); ok {
		bd.printf("%s\n", s)
	} else {
		bd.printf("Subject: Warning: message %s delayed %s\n\n", msg.ID, sched.Delay)
	}
	bd.printf("--%s\nContent-type: text/plain; charset=us-ascii\n\n", bound)
	bd.warningIntro(tpl, to, sched.Delay, len(deferred))
	bd.write("\n")
	for _, a := range deferred {
		if bd.addressInfo(a, "  ", "\n    ", "") {
			bd.addressError(a, "Delay reason: ")
		}
		bd.write("\n")
	}
	bd.write("\n")
	bd.warningFinal(tpl)
	bd.write("\n")
	bd.statusPart(bound, "message/delivery-status", deferred, "delayed", "4.0.0", false)
	if err := bd.headersPart(bound); err != nil {
		return nil, err
	}
	return bd.finish(), nil
}

func (bd *builder) warningIntro(tpl *template, to, delay string, n int) {
	if s, ok := bd.next(tpl, "intro"); ok {
		bd.write(s)
		return
	}
	bd.write("This message was created automatically by mail delivery software.\n")
	if to == bd.h.Sender {
		bd.write("A message that you sent has not yet been delivered to one or more of its\nrecipients after more than ")
	} else {
		bd.printf("A message sent by\n\n  <%s>\n\nhas not yet been delivered to one or more of its recipients after more than \n", bd.h.Sender)
	}
	bd.printf("%s on the queue on %s.\n\nThe message identifier is:     %s\n", delay, bd.cfg.PrimaryHostname(), bd.h.ID)
	for _, hl := range bd.h.Headers {
		switch {
		case hasPrefixFold(hl.Text, "Subject:"):
			bd.printf("The subject of the message is: %s", tail(hl.Text, 9))
		case hasPrefixFold(hl.Text, "Date:"):
			bd.printf("The date of the message is:    %s", tail(hl.Text, 6))
		}
	}
	bd.write("\n")
	if n == 1 {
		bd.write("The address to which the message has not yet been delivered is:\n")
	} else {
		bd.write("The addresses to which the message has not yet been delivered are:\n")
	}
}

func (bd *builder) warningFinal(tpl *template) {
	if tpl != nil {
		if s, ok := bd.next(tpl, "final"); ok {
			bd.write(s)
		}
		return
	}
	bd.write("No action is required on your part. Delivery attempts will continue for\n" +
		"some time, and this warning may be repeated at intervals if the message\n" +
		"remains undelivered. Eventually the mail delivery software will give up,\n" +
		"and when that happens, the message will be returned to you.\n")
}

// headersPart ends a warning or success report with the message's
// headers.
func (bd *builder) headersPart(bound string) error {
	bd.printf("--%s\nContent-type: text/rfc822-headers\n\n", bound)
	o := &transport.WriteOptions{Ctx: bd.ctx, ReturnPath: bd.h.Sender, AddReturnPath: true, NoBody: true}
	if _, err := transport.WriteMessage(&bd.b, bd.msg, o); err != nil {
		return err
	}
	bd.printf("\n--%s--\n", bound)
	return nil
}

func hasPrefixFold(s, p string) bool { return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) }

func tail(s string, n int) string { return s[min(n, len(s)):] }
