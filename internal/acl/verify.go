package acl

import (
	"strings"

	"exigo/internal/expand"
)

// RouteFunc verifies an address by routing it (recipient or sender).
type RouteFunc func(addr string, recipient bool) (Result, string)

func init() {
	verifiers["recipient"] = verifyRecipient
	verifiers["sender"] = verifySender
	verifiers["helo"] = verifyHelo
	verifiers["reverse_host_lookup"] = verifyReverseLookup
	verifiers["header_syntax"] = verifyHeaderSyntax
	verifiers["not_blind"] = verifyNotBlind
	verifiers["header_sender"] = verifyHeaderSender
	verifiers["header_names_ascii"] = verifyHeaderNamesASCII
}

func (c *Call) route(addr string, recipient bool) (Result, string) {
	if c.r.env.Route == nil {
		return Fail, "Unrouteable address"
	}
	return c.r.env.Route(addr, recipient)
}

func verifyRecipient(c *Call, opts []string) Result {
	if c.Where() != WhereRCPT && c.Where() != WhereVRFY {
		c.SetLogMsg("cannot verify recipient in ACL for " + c.Where().Name())
		return Error
	}
	addr := c.Var("local_part") + "@" + c.Var("domain")
	if lp := c.Var("acl_rcpt_local_part"); lp != "" {
		addr = lp + "@" + c.Var("domain")
	}
	res, msg := c.route(addr, true)
	if res != OK {
		c.SetUserMsg(msg)
		c.SetLogMsg(msg)
		if res == Defer {
			c.TempDetails()
		}
	}
	return res
}

// SenderFailure describes a failed sender verification: the server
// sends the detail lines before its reply and logs "sender verify fail".
type SenderFailure struct {
	Address string
	Message string
	Defer   bool
	told    bool
}

func verifySender(c *Call, opts []string) Result {
	sender := c.Var("sender_address")
	if sender == "" {
		return OK
	}
	st := c.r.env.State
	if st.senderVerified == nil {
		st.senderVerified = map[string]*SenderFailure{}
	}
	if f, seen := st.senderVerified[sender]; seen {
		if f == nil {
			return OK
		}
		return c.senderFailed(f)
	}
	res, msg := c.route(sender, false)
	if res == OK {
		st.senderVerified[sender] = nil
		return OK
	}
	if msg == "" {
		msg = "Unrouteable address"
	}
	f := &SenderFailure{Address: sender, Message: msg, Defer: res == Defer}
	st.senderVerified[sender] = f
	return c.senderFailed(f)
}

func (c *Call) senderFailed(f *SenderFailure) Result {
	c.r.env.State.SenderFailure = f
	if f.Defer {
		c.SetUserMsg("Could not complete sender verify")
		c.SetLogMsg("Could not complete sender verify")
		return Defer
	}
	c.SetUserMsg("Sender verify failed")
	c.SetLogMsg("Sender verify failed")
	return Fail
}

func verifyHelo(c *Call, opts []string) Result {
	if c.r.env.VerifyHelo == nil {
		return Fail
	}
	if c.r.env.VerifyHelo() {
		return OK
	}
	return Fail
}

func verifyReverseLookup(c *Call, opts []string) Result {
	if c.Var("sender_host_address") == "" {
		return OK
	}
	env := c.Env()
	if env.HostName == nil {
		if c.Var("sender_host_name") == "" {
			c.SetLogMsg("host lookup failed for reverse lookup check")
			return Fail
		}
		return OK
	}
	name, tried, why := env.HostName(false)
	switch {
	case name != "":
		return OK
	case tried:
		c.SetLogMsg("host lookup failed" + why)
		return Fail
	}
	if name, _, why = env.HostName(true); name == "" {
		c.SetLogMsg("host lookup failed for reverse lookup check" + why)
		return Fail
	}
	return OK
}

// headerText gives the message's headers; nil outside the DATA ACLs.
func (c *Call) headers() expand.AllHeaders {
	if h, ok := c.r.env.Ctx.Headers.(expand.AllHeaders); ok {
		return h
	}
	return nil
}

// addressHeaders are the headers header_syntax checks.
var addressHeaders = map[string]bool{
	"sender": true, "from": true, "reply-to": true, "to": true, "cc": true, "bcc": true,
	"resent-sender": true, "resent-from": true, "resent-reply-to": true,
	"resent-to": true, "resent-cc": true, "resent-bcc": true,
}

// SplitAddressList splits at commas outside quotes, brackets and
// comments, and drops group syntax.
func SplitAddressList(v string) []string {
	var out []string
	depth, angle, inQuote, start := 0, 0, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '<':
			angle++
		case c == '>':
			angle--
		case (c == ',' || c == ';') && depth == 0 && angle == 0:
			out = append(out, v[start:i])
			start = i + 1
		case c == ':' && depth == 0 && angle == 0:
			start = i + 1 // group name
		}
	}
	return append(out, v[start:])
}

func verifyHeaderNamesASCII(c *Call, opts []string) Result {
	hs := c.headers()
	if hs == nil {
		return OK
	}
	for _, h := range hs.AllHeaders() {
		name, _, _ := strings.Cut(h, ":")
		for i := 0; i < len(name); i++ {
			if name[i] > 126 {
				c.SetLogMsg("Invalid character in header \"" + name + "\" found")
				return Fail
			}
		}
	}
	return OK
}

// Told reports whether the failure has been reported to the client.
func (f *SenderFailure) Told() bool { return f.told }

// Tell marks the failure reported.
func (f *SenderFailure) Tell() { f.told = true }
