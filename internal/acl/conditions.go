package acl

import (
	"strings"

	"exigo/internal/lists"
)

func init() {
	for name, fn := range map[string]CondFunc{
		"authenticated":  condAuthenticated,
		"condition":      condCondition,
		"domains":        condDomains,
		"encrypted":      condEncrypted,
		"hosts":          condHosts,
		"local_parts":    condLocalParts,
		"recipients":     condRecipients,
		"sender_domains": condSenderDomains,
		"senders":        condSenders,
		"verify":         condVerify,
	} {
		conditions[name] = fn
	}
}

// matchResult turns a list match into a condition result, setting the
// *_data variable a lookup in the list produced.
func matchResult(c *Call, res lists.Result, err error, dataVar string) Result {
	if dataVar != "" {
		c.SetVar(dataVar, "") // every test starts afresh, as Exim's match_isinlist
	}
	if err != nil {
		c.SetLogMsg(err.Error())
		return Defer
	}
	if !res.Matched {
		return Fail
	}
	if res.HasData && dataVar != "" {
		c.SetVar(dataVar, res.Data)
	}
	return OK
}

func condAuthenticated(c *Call) Result {
	name := c.Var("sender_host_authenticated")
	if name == "" {
		return Fail
	}
	res, err := lists.MatchLocalPart(c.Env().Ctx.Lists, c.Arg, name, true)
	return matchResult(c, res, err, "")
}

func condEncrypted(c *Call) Result {
	cipher := c.Var("tls_in_cipher")
	if cipher == "" {
		return Fail
	}
	res, err := lists.MatchLocalPart(c.Env().Ctx.Lists, c.Arg, cipher, true)
	return matchResult(c, res, err, "")
}

// condCondition judges the expanded string as Exim's "condition" does.
func condCondition(c *Call) Result {
	v := strings.TrimSpace(c.Arg)
	switch strings.ToLower(v) {
	case "", "0", "no", "false":
		return Fail
	case "yes", "true":
		return OK
	}
	if isNumber(v) {
		return OK
	}
	c.SetLogMsg("invalid \"condition\" value \"" + c.Arg + "\"")
	return Error
}

func isNumber(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func condDomains(c *Call) Result {
	res, err := lists.MatchDomain(c.Env().Ctx.Lists, c.Arg, c.Var("domain"))
	return matchResult(c, res, err, "domain_data")
}

func condLocalParts(c *Call) Result {
	// Exim matches the local part as given, caselessly, whatever
	// caseful_local_part did to $local_part.
	lp := c.Var("acl_rcpt_local_part")
	if lp == "" {
		lp = c.Var("local_part")
	}
	res, err := lists.MatchLocalPart(c.Env().Ctx.Lists, c.Arg, lp, true)
	return matchResult(c, res, err, "local_part_data")
}

func condRecipients(c *Call) Result {
	addr := c.Var("local_part") + "@" + c.Var("domain")
	res, err := lists.MatchAddress(c.Env().Ctx.Lists, c.Arg, addr, true)
	return matchResult(c, res, err, "recipient_data")
}

func condSenders(c *Call) Result {
	res, err := lists.MatchAddress(c.Env().Ctx.Lists, c.Arg, c.Var("sender_address"), true)
	return matchResult(c, res, err, "sender_data")
}

func condSenderDomains(c *Call) Result {
	sender := c.Var("sender_address")
	domain := ""
	if i := strings.LastIndexByte(sender, '@'); i >= 0 {
		domain = sender[i+1:]
	}
	res, err := lists.MatchDomain(c.Env().Ctx.Lists, c.Arg, domain)
	return matchResult(c, res, err, "sender_data")
}

// condHosts matches the calling host. A local caller with no address
// matches only a list with an empty item, as Exim does.
func condHosts(c *Call) Result {
	addr := c.Var("sender_host_address")
	if addr == "" {
		for _, item := range strings.Split(c.Arg, ":") {
			if strings.TrimSpace(item) == "" {
				return OK
			}
		}
		return Fail
	}
	host := lists.HostID{Addr: addr, Name: c.hostNameFor(c.Arg)}
	res, err := lists.MatchHost(c.Env().Ctx.Lists, c.Arg, host)
	return matchResult(c, res, err, "host_data")
}

// condVerify dispatches "verify = kind/opt/..." to the registered kind.
func condVerify(c *Call) Result {
	parts := strings.Split(strings.TrimSpace(c.Arg), "/")
	kind := strings.ToLower(strings.TrimSpace(parts[0]))
	fn := verifiers[kind]
	if fn == nil {
		c.SetLogMsg("unknown verify condition \"" + kind + "\"")
		return Error
	}
	return fn(c, parts[1:])
}
