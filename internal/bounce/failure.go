package bounce

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/expand/funcs"
	"exigo/internal/item"
	"exigo/internal/syserr"
	"exigo/internal/transport"
)

// Report is one bounce and the failed addresses it reports.
type Report struct {
	*Notice
	Addresses []*item.Address
}

// Failures handles a delivery's failed addresses as Exim does after its
// deliveries: those reported to nobody are returned in ignored with the
// line to log for each; the others get one bounce per bounce recipient
// (errors_to, else the sender), in the order their first address comes.
// failed is Exim's chain of failed addresses: the reverse of the order
// their "**" lines were logged.
func Failures(cfg *conf.Config, ctx *expand.Context, msg *transport.Message, failed []*item.Address, now time.Time) (reports []Report, ignored []*item.Address, ignoredLines []string, err error) {
	sender := msg.Header.Sender
	var pending []*item.Address
	for _, a := range failed {
		if ig, line := Ignored(a, sender); ig {
			ignored, ignoredLines = append(ignored, a), append(ignoredLines, line)
			continue
		}
		pending = append(pending, a)
	}
	for len(pending) > 0 {
		to := bounceRecipient(pending[0], sender)
		var group, rest []*item.Address
		for _, a := range pending {
			if bounceRecipient(a, sender) == to {
				group = append(group, a)
			} else {
				rest = append(rest, a)
			}
		}
		n, err := build(cfg, ctx, msg, group, now)
		if err != nil {
			return nil, nil, nil, err
		}
		reports = append(reports, Report{Notice: n, Addresses: group})
		pending = rest
	}
	return reports, ignored, ignoredLines, nil
}

// Failure builds the bounce reporting failed, all of which go to the
// first one's bounce recipient (use Failures to sort them out).
func Failure(cfg *conf.Config, ctx *expand.Context, msg *transport.Message, failed []*item.Address, now time.Time) (sender string, recipients []string, data []byte, err error) {
	n, err := build(cfg, ctx, msg, failed, now)
	if err != nil {
		return "", nil, nil, err
	}
	return n.Sender, n.Recipients, n.Data, nil
}

func build(cfg *conf.Config, ctx *expand.Context, msg *transport.Message, failed []*item.Address, now time.Time) (*Notice, error) {
	if len(failed) == 0 {
		return nil, errors.New("bounce: no failed addresses")
	}
	bd := newBuilder(cfg, ctx, msg, now)
	to := bounceRecipient(failed[0], msg.Header.Sender)
	bd.ctx = withVars(bd.ctx, nil, map[string]string{
		"bounce_recipient":         to,
		"bounce_return_size_limit": strconv.FormatInt(sizeLimit(cfg), 10),
	})
	bd.n.Recipients = []string{to}
	bound := bd.boundary()
	bd.failedRecipients(failed)
	bd.commonHeaders(to, bound)
	tpl := bd.openTemplate("bounce_message_file", "error")
	defer tpl.close()
	bd.errorCopies(to)
	toSender := strings.EqualFold(msg.Header.Sender, to)
	if s, ok := bd.next(tpl, "header"); ok {
		bd.printf("%s\n", s)
	} else if toSender {
		bd.write("Subject: Mail delivery failed: returning message to sender\n\n")
	} else {
		bd.write("Subject: Mail delivery failed\n\n")
	}
	bd.printf("--%s\nContent-type: text/plain; charset=us-ascii\n\n", bound)
	bd.failureIntro(tpl, toSender)
	handled := bd.failedList(tpl, failed)
	bd.failureStatus(bound, handled)
	bd.next(tpl, "copy") // read and, as in Exim 4.96, not used
	if err := bd.returnedMessage(bound); err != nil {
		return nil, err
	}
	return bd.finish(), nil
}

// failedRecipients writes X-Failed-Recipients: lines, fifty addresses a
// line, hidden ones left out.
func (bd *builder) failedRecipients(failed []*item.Address) {
	n := 0
	for _, a := range failed {
		if a.HideChild {
			continue
		}
		if n >= 50 {
			bd.write("\n")
			n = 0
		}
		if n == 0 {
			bd.write("X-Failed-Recipients: ")
		} else {
			bd.write(",\n  ")
		}
		n++
		shown := a.Address
		if isPFR(a) && a.Parent != nil {
			shown = a.Parent.Address
		}
		bd.write(funcs.Escape(shown))
	}
	if n > 0 {
		bd.write("\n")
	}
}

// errorCopies adds the Bcc: of errors_copy (moan_check_errorcopy): the
// first item whose pattern matches the bounce recipient gives the
// addresses, expanded with $local_part and $domain set.
func (bd *builder) errorCopies(to string) {
	list := bd.cfg.String("errors_copy")
	if list == "" || !strings.Contains(to, "@") {
		return
	}
	local, domain := item.Split(to)
	for _, it := range splitList(list) {
		pattern, addrs := splitPattern(it)
		if addrs == "" || !matchOne(bd.ctx, pattern, to) {
			continue
		}
		ctx := withVars(bd.ctx, nil, map[string]string{"local_part": local, "domain": domain})
		bcc, err := ctx.Expand(addrs)
		if err != nil {
			bd.log(true, "Failed to expand %s when processing errors_copy: %s", addrs, err)
			return
		}
		bd.printf("Bcc: %s\n", bcc)
		bd.n.Recipients = append(bd.n.Recipients, addressesIn(bcc)...)
		return
	}
}

func (bd *builder) failureIntro(tpl *template, toSender bool) {
	if s, ok := bd.next(tpl, "intro"); ok {
		bd.write(s)
	} else {
		bd.write("This message was created automatically by mail delivery software.\n")
		bd.write(bd.cfg.String("bounce_message_text"))
		if toSender {
			bd.write("\nA message that you sent could not be delivered to one or more of its\n" +
				"recipients. This is a permanent error. The following address(es) failed:\n")
		} else {
			bd.printf("\nA message sent by\n\n  <%s>\n\ncould not be delivered to one or more of its recipients. The following\n"+
				"address(es) failed:\n", bd.h.Sender)
		}
	}
	bd.write("\n")
}

// returnsOutput: the address carries output of a pipe for the sender.
func returnsOutput(a *item.Address) bool { return a.ReturnFile != "" }

// returnedOutput copies a return file into the report and removes it,
// as Exim does; a file that cannot be read is reported in its place.
func (bd *builder) returnedOutput(a *item.Address) {
	b, err := os.ReadFile(a.ReturnFile)
	if err != nil {
		bd.printf("    +++ Exim error... failed to open text file: %s\n", syserr.Of(err))
	} else {
		bd.b.Write(b)
	}
	os.Remove(a.ReturnFile)
	a.ReturnFile = ""
}

// failedList writes each address with its error, then the output pipes
// returned; it gives the addresses in the order Exim's report part lists
// them.
func (bd *builder) failedList(tpl *template, failed []*item.Address) []*item.Address {
	var handled, withOutput []*item.Address
	for _, a := range failed {
		if bd.addressInfo(a, "  ", "\n    ", "") {
			bd.addressError(a, "")
		}
		bd.write("\n")
		if returnsOutput(a) {
			withOutput = append(withOutput, a)
		} else {
			handled = append([]*item.Address{a}, handled...)
		}
	}
	bd.write("\n")
	text, ok := bd.next(tpl, "generated text")
	if len(withOutput) == 0 {
		return handled
	}
	if ok {
		bd.write(text)
	} else {
		s := ""
		if len(withOutput) > 1 {
			s = "s"
		}
		bd.printf("The following text was generated during the delivery attempt%s:\n", s)
	}
	for _, a := range withOutput {
		bd.write("\n")
		bd.addressInfo(a, "------ ", "\n       ", " ------\n")
		bd.write("\n")
		bd.returnedOutput(a)
		handled = append([]*item.Address{a}, handled...)
	}
	bd.write("\n")
	return handled
}

// failureStatus writes the message/delivery-status part.
func (bd *builder) failureStatus(bound string, handled []*item.Address) {
	ctype := "message/delivery-status"
	if bd.h.SMTPUTF8 {
		ctype = "message/global-delivery-status"
	}
	bd.statusPart(bound, ctype, handled, "failed", "5.0.0", true)
}
