package acl

import (
	"fmt"
	"strings"
)

func anyACL(Where) bool { return true }

func only(ws ...Where) func(Where) bool {
	return func(w Where) bool {
		for _, x := range ws {
			if x == w {
				return true
			}
		}
		return false
	}
}

func notNonSMTP(w Where) bool { return w != WhereNotSMTP && w != WhereNotSMTPStart }

var beforeData = only(WhereMAIL, WhereRCPT, WherePredata)
var receiving = only(WhereMAIL, WhereRCPT, WherePredata, WhereDATA, WhereMIME, WhereDKIM, WherePRDR, WhereNotSMTP, WhereNotSMTPStart)

func init() {
	for name, allowed := range map[string]func(Where) bool{
		"allow_auth_unadvertised": only(WhereConnect, WhereHELO),
		"no_multiline_responses":  notNonSMTP,
		"no_pipelining":           notNonSMTP,
		"enforce_sync":            notNonSMTP,
		"no_enforce_sync":         notNonSMTP,
		"no_delay_flush":          notNonSMTP,
		"no_callout_flush":        notNonSMTP,
		"queue":                   receiving,
		"queue_only":              receiving,
		"freeze":                  receiving,
		"submission":              beforeData,
		"suppress_local_fixups":   only(WhereMAIL, WhereRCPT, WherePredata, WhereNotSMTPStart),
		"dkim_disable_verify":     func(w Where) bool { return w != WhereDATA && w != WherePRDR && notNonSMTP(w) },
		// No dmarc_* controls: Debian's Exim 4.96 is built without DMARC,
		// so they are syntax errors there.
		"fakedefer":           only(WhereMAIL, WhereRCPT, WherePredata, WhereDATA, WhereMIME),
		"fakereject":          only(WhereMAIL, WhereRCPT, WherePredata, WhereDATA, WhereMIME),
		"no_mbox_unspool":     receiving,
		"cutthrough_delivery": only(WhereRCPT),
		"utf8_downconvert":    receiving,
		"debug":               anyACL,
		"bmi_run":             receiving,
		"wellknown":           anyACL,
	} {
		controls[name] = controlDef{allowed: allowed}
	}
	controls["caseful_local_part"] = controlDef{only(WhereRCPT), func(c *Call, _ string) error {
		c.SetVar("local_part", c.Var("acl_rcpt_local_part"))
		return nil
	}}
	controls["caselower_local_part"] = controlDef{only(WhereRCPT), func(c *Call, _ string) error {
		c.SetVar("local_part", strings.ToLower(c.Var("acl_rcpt_local_part")))
		return nil
	}}
}

// control obeys "control = name/options": records it in the session
// state (queue_only is an old name for queue) after the placement check.
func (r *run) control(val string) Result {
	name, opts, _ := strings.Cut(strings.TrimSpace(val), "/")
	def, ok := controls[name]
	if !ok {
		r.logMsg = fmt.Sprintf("syntax error in \"control=%s\"", strings.TrimSpace(val))
		return Error
	}
	if def.allowed != nil && !def.allowed(r.where) {
		r.logMsg = fmt.Sprintf("cannot use \"control=%s\" in %s ACL", name, r.where.Name())
		return Error
	}
	st := r.env.State
	switch name {
	case "queue_only":
		name = "queue"
	case "enforce_sync":
		delete(st.Controls, "no_enforce_sync")
	case "no_enforce_sync":
		delete(st.Controls, "enforce_sync")
	}
	if def.fn != nil {
		if err := def.fn(&Call{r: r, Arg: opts}, opts); err != nil {
			r.logMsg = err.Error()
			return Error
		}
	}
	st.Controls[name] = opts
	return OK
}
