package acl

import (
	"fmt"
	"strings"

	"exigo/internal/address"
	"exigo/internal/expand/funcs"
	"exigo/internal/lists"
)

// Header verifications (verify = header_syntax, not_blind, header_sender)
// as Exim's verify.c does them. Their failures give a log message only:
// the client sees the details when smtp_return_error_details is set, and
// $acl_verify_message stays empty for a message modifier.

// headerLine is one header split at its colon.
type headerLine struct{ name, value string }

func (c *Call) headerLines() []headerLine {
	hs := c.headers()
	if hs == nil {
		return nil
	}
	var out []headerLine
	for _, h := range hs.AllHeaders() {
		if name, value, ok := strings.Cut(h, ":"); ok {
			out = append(out, headerLine{strings.TrimRight(name, " \t"), value})
		}
	}
	return out
}

// headerKind is the header's type as Exim files it, "resent-" versions
// counting as the plain ones.
func headerKind(name string) string {
	n := strings.ToLower(name)
	if r, ok := strings.CutPrefix(n, "resent-"); ok && r != "reply-to" {
		n = r
	}
	return n
}

func (c *Call) returnErrorDetails() bool {
	return c.Env().Config != nil && c.Env().Config.Bool("smtp_return_error_details")
}

func verifyHeaderSyntax(c *Call, opts []string) Result {
	if c.Where() != WhereDATA && c.Where() != WhereNotSMTP && c.Where() != WhereMIME && c.Where() != WherePRDR {
		c.SetLogMsg("cannot check header contents in ACL for " + c.Where().Name())
		return Error
	}
	for _, h := range c.headerLines() {
		kind := headerKind(h.name)
		switch kind {
		case "from", "reply-to", "sender", "to", "cc", "bcc":
		default:
			continue
		}
		for _, item := range SplitAddressList(h.value) {
			item = strings.TrimSpace(item)
			if item == "" {
				continue // an empty address is allowed
			}
			msg := ""
			if p, err := address.Extract(item); err != nil {
				msg = err.Error()
			} else if p.Domain == "" && !c.unqualifiedAllowed(kind == "from" || kind == "sender") {
				msg = "unqualified address not permitted"
			}
			if msg == "" || msg == "empty address" {
				continue
			}
			verb := "is"
			if len(item) > 1024 {
				item, verb = item[:1024], "begins"
			}
			msg = funcs.Escape(fmt.Sprintf("%s: failing address in \"%s:\" header %s: %s", msg, h.name, verb, item))
			c.SetLogMsg(msg)
			if c.returnErrorDetails() {
				c.SetUserMsg("Rejected after DATA: " + msg)
			}
			return Fail
		}
	}
	return OK
}

// unqualifiedAllowed: the calling host may send unqualified addresses
// (sender_unqualified_hosts or recipient_unqualified_hosts); a local
// caller always may.
func (c *Call) unqualifiedAllowed(sender bool) bool {
	addr := c.Var("sender_host_address")
	if addr == "" {
		return true
	}
	opt := "recipient_unqualified_hosts"
	if sender {
		opt = "sender_unqualified_hosts"
	}
	cfg := c.Env().Config
	if cfg == nil || !cfg.IsSet(opt) {
		return false
	}
	list, err := c.Expand(cfg.String(opt))
	if err != nil {
		return false
	}
	res, err := lists.MatchHost(c.Env().Ctx.Lists, list, lists.HostID{Addr: addr, Name: c.hostNameFor(list)})
	return err == nil && res.Matched
}

// verifyNotBlind: every envelope recipient must appear in To: or Cc:,
// the local part compared exactly (unless /case_insensitive), the
// domain caselessly.
func verifyNotBlind(c *Call, opts []string) Result {
	caseless := len(opts) > 0 && strings.TrimSpace(opts[0]) == "case_insensitive"
	var listed []string
	for _, h := range c.headerLines() {
		if k := headerKind(h.name); k != "to" && k != "cc" {
			continue
		}
		for _, item := range SplitAddressList(h.value) {
			if p, err := address.Extract(item); err == nil && p.Domain != "" {
				listed = append(listed, p.Address)
			}
		}
	}
	for _, r := range strings.Split(c.Var("recipients"), ", ") {
		if r != "" && !addressListed(listed, r, caseless) {
			c.SetLogMsg("bcc recipient detected")
			if c.returnErrorDetails() {
				c.SetUserMsg("Rejected after DATA: bcc recipient detected")
			}
			return Fail
		}
	}
	return OK
}

func addressListed(listed []string, addr string, caseless bool) bool {
	at := strings.LastIndexByte(addr, '@')
	for _, l := range listed {
		i := strings.LastIndexByte(l, '@')
		if i != at {
			continue
		}
		if (l[:i] == addr[:at] || caseless && strings.EqualFold(l[:i], addr[:at])) && strings.EqualFold(l[i:], addr[at:]) {
			return true
		}
	}
	return false
}

// verifyHeaderSender looks for a sender address that verifies in Sender:,
// then Reply-To:, then From:. A syntax error fails at once.
func verifyHeaderSender(c *Call, opts []string) Result {
	lines := c.headerLines()
	result := Fail
	for _, kind := range []string{"sender", "reply-to", "from"} {
		for _, h := range lines {
			if headerKind(h.name) != kind {
				continue
			}
			for _, item := range SplitAddressList(h.value) {
				item = strings.TrimSpace(item)
				if item == "" {
					continue
				}
				p, err := address.Extract(item)
				if err != nil {
					if err.Error() == "empty address" {
						continue
					}
					c.SetLogMsg(fmt.Sprintf("syntax error in '%s:' header when scanning for sender: %s in \"%s\"", h.name, err, item))
					return Fail
				}
				res, msg := c.route(p.Address, false)
				switch res {
				case OK:
					return OK
				case Defer:
					result = Defer
				}
				if c.returnErrorDetails() {
					c.SetUserMsg(fmt.Sprintf("Rejected after DATA: could not verify \"%s:\" header address\n%s: %s", h.name, p.Address, msg))
				}
			}
		}
	}
	if result == Defer {
		c.SetLogMsg("all attempts to verify a sender in a header line deferred")
	} else {
		c.SetLogMsg("there is no valid sender in any header line")
	}
	return result
}
