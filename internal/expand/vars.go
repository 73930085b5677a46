package expand

import (
	"strconv"
	"strings"
)

// lookupVar finds a variable's value the way Exim's find_variable does:
// state set by the running expansion first, then ACL variables, then
// Context.Vars, the registry, and Exim's own table of known names.
func (e *expander) lookupVar(name string, skip bool) (string, bool, bool) {
	if isACLVar(name) {
		return e.aclVar(name)
	}
	v, t, ok := e.findVar(name, skip)
	if ok && skip {
		return "", false, true // Exim does not evaluate variables while skipping
	}
	return v, t, ok
}

func (e *expander) findVar(name string, skip bool) (string, bool, bool) {
	if v, t, ok := e.stateVar(name); ok {
		return v, t, true
	}
	if vars := e.c.Vars; vars != nil {
		if v, t, ok := vars.Var(name); ok {
			return v, t, true
		}
	}
	if fn, ok := varRegistry[name]; ok {
		if skip {
			return "", false, true
		}
		if v, t, ok := fn(e.c); ok {
			return v, t, true
		}
	}
	if e.c.Headers != nil {
		switch name {
		case "reply_address":
			return e.replyAddress(), true, true
		case "message_headers", "message_headers_raw":
			if all, ok := e.c.Headers.(AllHeaders); ok {
				return e.messageHeaders(all.AllHeaders(), name == "message_headers_raw"), true, true
			}
		}
	}
	if v, t, ok := e.derivedVar(name); ok {
		return v, t, true
	}
	if def, ok := knownVars[name]; ok {
		return def, false, true
	}
	if isAuthVar(name) || strings.HasPrefix(name, "r_") || isRegexVar(name) {
		return "", false, true
	}
	return "", false, false
}

// stateVar is a variable the running expansion owns.
func (e *expander) stateVar(name string) (string, bool, bool) {
	switch name {
	case "value":
		return e.value, e.valueTaint, true
	case "item":
		return e.item, e.itemTaint, true
	case "runrc":
		if e.runrcSet {
			return strconv.Itoa(e.runrc), false, true
		}
	case "prvscheck_address":
		if e.prvsActive {
			return e.prvsAddress, false, true
		}
	case "prvscheck_keynum":
		if e.prvsActive {
			return e.prvsKeynum, false, true
		}
	case "prvscheck_result":
		if e.prvsActive {
			return e.prvsResult, false, true
		}
	}
	return "", false, false
}

// isACLVar: acl_c or acl_m followed by a digit or underscore.
func isACLVar(name string) bool {
	return (strings.HasPrefix(name, "acl_c") || strings.HasPrefix(name, "acl_m")) &&
		(len(name) == 5 || !isAlpha(name[5]))
}

func (e *expander) aclVar(name string) (string, bool, bool) {
	if v, ok := e.c.ACL[name]; ok {
		return v, false, true
	}
	if vars := e.c.Vars; vars != nil {
		if v, t, ok := vars.Var(name); ok {
			return v, t, true
		}
	}
	return "", false, true // unset ACL variables are empty (no strict_acl_vars)
}

// derivedVar computes the variables Exim derives from another one.
func (e *expander) derivedVar(name string) (string, bool, bool) {
	if name != "sender_address_domain" && name != "sender_address_local_part" {
		return "", false, false
	}
	if e.c.Vars == nil {
		return "", false, false
	}
	addr, t, ok := e.c.Vars.Var("sender_address")
	if !ok {
		return "", false, false
	}
	at := strings.LastIndexByte(addr, '@')
	if name == "sender_address_domain" {
		if at < 0 {
			return "", t, true
		}
		return addr[at+1:], t, true
	}
	if at < 0 {
		return addr, t, true
	}
	return addr[:at], t, true
}

// isAuthVar: $auth1 .. $auth3.
func isAuthVar(name string) bool {
	return len(name) == 5 && strings.HasPrefix(name, "auth") && name[4] >= '1' && name[4] <= '3'
}

// isRegexVar: $regex1 .. $regex9 (content scanning).
func isRegexVar(name string) bool {
	if !strings.HasPrefix(name, "regex") || len(name) == 5 {
		return false
	}
	n, err := strconv.Atoi(name[5:])
	return err == nil && n >= 1 && n <= 9
}

// replyAddress is $reply_address: Reply-To, else From, raw, on one line.
func (e *expander) replyAddress() string {
	v := strings.TrimLeft(joinRaw(e.c.Headers.Header("reply-to")), " \t\r\n\v\f")
	if v == "" {
		v = strings.TrimLeft(joinRaw(e.c.Headers.Header("from")), " \t\r\n\v\f")
	}
	v = strings.ReplaceAll(v, "\n", " ")
	return strings.TrimRightFunc(v, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
}
