package acl

import (
	"fmt"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand/funcs"
)

// msgConds says for which statement results a verb uses its message and
// log_message modifiers (Exim's msgcond table).
var msgConds = map[string][]Result{
	"accept":  {OK, Fail, FailDrop},
	"defer":   {OK},
	"deny":    {OK},
	"discard": {OK, Fail, FailDrop},
	"drop":    {OK},
	"require": {Fail, FailDrop},
	"warn":    {OK},
}

func usesMessages(verb string, res Result) bool {
	for _, r := range msgConds[verb] {
		if r == res {
			return true
		}
	}
	return false
}

// runACL obeys the statements of one ACL in order.
func (r *run) runACL(acl *conf.ACL, depth int) Result {
	name := "ACL \"" + acl.Name + "\""
	if acl.Name == "inline ACL" {
		name = acl.Name
	} else {
		r.debugf("using ACL %q", acl.Name)
	}
	quitCheck := depth == 0 && (r.where == WhereQuit || r.where == WhereNotQuit)
	for _, st := range acl.Statements {
		r.userMsg, r.logMsg, r.tempDetails = "", "", false
		if st.File != "" {
			r.debugf("processing %q (%s %d)", st.Verb, st.File, st.Line)
		} else {
			r.debugf("processing %q", st.Verb)
		}
		cond, endpass := r.statement(st, depth)
		switch cond {
		case Defer:
			r.debugf("%s: condition test deferred in %s", st.Verb, name)
			if st.Verb != "warn" {
				return Defer
			}
		case Error:
			r.debugf("%s: condition test error in %s", st.Verb, name)
			return Error
		case OK:
			r.debugf("%s: condition test succeeded in %s", st.Verb, name)
		case Fail:
			r.debugf("%s: condition test failed in %s", st.Verb, name)
		case Discard:
			r.debugf("%s: condition test yielded \"discard\" in %s", st.Verb, name)
		case FailDrop:
			r.debugf("%s: condition test yielded \"drop\" in %s", st.Verb, name)
		}
		if res, done := r.verbOutcome(st.Verb, cond, endpass, name); done {
			if quitCheck && st.Verb != "accept" {
				r.logMsg = fmt.Sprintf("QUIT or not-QUIT toplevel ACL may not fail ('%s' verb used incorrectly)", st.Verb)
				return Error
			}
			return res
		}
	}
	r.debugf("end of %s: implicit DENY", name)
	return Fail
}

// verbOutcome applies a verb to its statement's result; done means the
// ACL ends with res.
func (r *run) verbOutcome(verb string, cond Result, endpass bool, name string) (res Result, done bool) {
	switch verb {
	case "accept", "discard":
		if cond == OK || cond == Discard {
			r.debugf("end of %s: %s", name, strings.ToUpper(verb))
			if verb == "discard" {
				return Discard, true
			}
			return cond, true
		}
		if endpass {
			r.debugf("%s: endpass encountered - denying access", verb)
			return cond, true
		}
	case "defer":
		if cond == OK {
			r.debugf("end of %s: DEFER", name)
			r.tempDetails = true
			return Defer, true
		}
	case "deny":
		if cond == OK {
			r.debugf("end of %s: DENY", name)
			return Fail, true
		}
	case "drop":
		if cond == OK {
			r.debugf("end of %s: DROP", name)
			return FailDrop, true
		}
	case "require":
		if cond != OK {
			r.debugf("end of %s: not OK", name)
			return cond, true
		}
	case "warn":
		if cond == OK {
			r.warn()
		} else if cond == Defer {
			r.warnSkipped()
		}
		r.userMsg, r.logMsg = "", ""
	}
	return OK, false
}

// warn writes a successful warn statement's log_message once per message,
// and adds its (deprecated) message as a header line.
func (r *run) warn() {
	if r.userMsg != "" && r.where.receivesMessage() {
		r.addHeaderText(r.userMsg)
	}
	// A log message that is only the user message is not logged.
	if r.logMsg == "" || r.logFromUser || r.env.Log == nil {
		return
	}
	if r.env.State.warnLogged[r.logMsg] {
		return
	}
	r.env.State.warnLogged[r.logMsg] = true
	r.env.Log.Main(r.hostIdent() + "Warning: " + funcs.Escape(r.logMsg))
}

func (r *run) warnSkipped() {
	if r.env.Log == nil {
		return
	}
	text := r.hostIdent() + "Warning: ACL \"warn\" statement skipped: condition test deferred"
	if r.logMsg != "" {
		text += ": " + r.logMsg
	}
	r.env.Log.Main(text)
}

func (r *run) hostIdent() string {
	if r.env.HostIdent == nil {
		return ""
	}
	if s := r.env.HostIdent(); s != "" {
		return s + " "
	}
	return ""
}

// statement evaluates one statement's conditions and modifiers in order,
// stopping at the first condition that is not true, then sets the
// messages the verb uses for that result.
func (r *run) statement(st *conf.Statement, depth int) (Result, bool) {
	var userMessage, logMessage string
	var haveUser, haveLog, endpass bool
	cond := OK
	for i := range st.Items {
		it := &st.Items[i]
		switch it.Name {
		case "endpass":
			endpass = true
			continue
		case "message":
			userMessage, haveUser = it.Value, true
			r.debugf("  message: %s", it.Value)
			continue
		case "log_message":
			logMessage, haveLog = it.Value, true
			r.debugf("l_message: %s", it.Value)
			continue
		}
		if _, modifier := modifierNames[it.Name]; modifier {
			if res := r.modifier(st.Verb, it); res != OK {
				cond = res
				break
			}
			continue
		}
		res := r.condition(it, depth)
		if it.Negated {
			switch res {
			case OK:
				res = Fail
			case Fail:
				res = OK
			}
		}
		if res != OK {
			cond = res
			break
		}
	}
	if endpass && cond == OK {
		haveUser = false
	}
	if usesMessages(st.Verb, cond) {
		r.setMessages(st.Verb, cond, userMessage, logMessage, haveUser, haveLog)
	}
	return cond, endpass
}

// setMessages expands the message and log_message texts once the
// statement's result is known, with $acl_verify_message holding any
// message a condition produced.
func (r *run) setMessages(verb string, cond Result, userMessage, logMessage string, haveUser, haveLog bool) {
	oldUser := r.userMsg
	oldLog := r.logMsg
	if oldLog == "" {
		oldLog = oldUser
	}
	if verb == "warn" || (cond == OK && (verb == "accept" || verb == "discard")) {
		r.userMsg, r.logMsg = "", ""
	}
	vars := r.env.State.Vars
	if haveUser {
		vars["acl_verify_message"] = oldUser
		if v, ok := r.expandMessage(userMessage); ok && v != "" {
			r.userMsg = v
		}
	}
	if haveLog {
		vars["acl_verify_message"] = oldLog
		if v, ok := r.expandMessage(logMessage); ok && v != "" {
			if r.logMsg == "" {
				r.logMsg = v
			} else {
				r.logMsg = v + ": " + r.logMsg
			}
		}
	}
	delete(vars, "acl_verify_message")
	r.logFromUser = false
	if r.logMsg == "" {
		r.logMsg, r.logFromUser = r.userMsg, r.userMsg != ""
	}
}

func (r *run) expandMessage(s string) (string, bool) {
	v, err := r.env.Ctx.Expand(s)
	if err != nil {
		if !isForced(err) && r.env.Log != nil {
			r.env.Log.Panic(fmt.Sprintf("failed to expand ACL message %q: %s", s, err))
		}
		return "", false
	}
	return v, true
}
