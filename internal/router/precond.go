package router

import (
	"fmt"
	"io"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/lists"
)

// skip is a precondition's "not this router" (Exim's SKIP).
const skip = item.Result(-1)

// checkPreconditions is Exim's check_router_conditions, in its order:
// verify_only, address_test, the verify flags, expn, domains,
// local_parts, check_local_user, router_home_directory, senders,
// debug_print, require_files, condition. It answers OK, skip or Defer
// (with a message).
func (e *Env) checkPreconditions(r *conf.Driver, a *item.Address) (item.Result, string) {
	if !e.modeAllows(r) {
		return skip, ""
	}
	vars := e.rs.vars
	if rc, msg := e.checkList(r, "domains", func(l string) (lists.Result, error) {
		return lists.MatchDomain(e.listEnv(), l, a.Domain)
	}, "domain_data"); rc != item.OK {
		return rc, msg
	}
	caseless := !r.Bool("caseful_local_part")
	if rc, msg := e.checkList(r, "local_parts", func(l string) (lists.Result, error) {
		return lists.MatchLocalPart(e.listEnv(), l, a.LocalPart, caseless)
	}, "local_part_data"); rc != item.OK {
		return rc, msg
	}
	if r.Bool("check_local_user") {
		u, _, ok := e.findUser(a.LocalPart, false)
		if !ok {
			return skip, ""
		}
		e.rs.user = u
		e.rs.home = u.Home
		vars.set("home", u.Home, false)
		vars.set("local_part_data", a.LocalPart, false)
	}
	if r.IsSet("router_home_directory") {
		raw := r.String("router_home_directory")
		h, err := e.Ctx.Expand(raw)
		switch {
		case err == nil:
			e.rs.home, e.rs.homeExpanded = h, true
			vars.set("home", h, false)
		case !expand.IsForcedFail(err):
			return item.Defer, fmt.Sprintf("failed to expand %q for router_home_directory: %s", raw, err)
		}
	}
	if rc, msg := e.checkList(r, "senders", func(l string) (lists.Result, error) {
		return lists.MatchAddress(e.listEnv(), l, e.senderAddress(), true)
	}, "sender_data"); rc != item.OK {
		return rc, msg
	}
	e.debugPrint(r)
	if rc, msg := e.requireFiles(r); rc != item.OK {
		return rc, msg
	}
	if r.IsSet("condition") {
		ok, err := e.Ctx.Condition(r.String("condition"))
		switch {
		case err != nil && expand.IsDefer(err):
			return item.Defer, "condition check lookup defer"
		case err != nil:
			// Exim's expand_check_condition: logged, and the router
			// is skipped.
			e.panicf("failed to expand condition %q for %s router: %s", r.String("condition"), r.Name, err)
			return skip, ""
		case !ok:
			return skip, ""
		}
	}
	return item.OK, ""
}

// modeAllows applies verify_only, address_test, verify_sender,
// verify_recipient and expn to the kind of routing being done.
func (e *Env) modeAllows(r *conf.Driver) bool {
	verifying := e.Verify && !e.Test && !e.Expn
	if (!verifying) && r.Bool("verify_only") {
		return false
	}
	if e.Test && !r.Bool("address_test") {
		return false
	}
	if verifying {
		if e.Recipient && !r.Bool("verify_recipient") || !e.Recipient && !r.Bool("verify_sender") {
			return false
		}
	}
	if e.Expn && !r.Bool("expn") {
		return false
	}
	return true
}

// checkList is route_check_dls: the expanded list must match; the match
// value goes into the data variable.
func (e *Env) checkList(r *conf.Driver, opt string, match func(string) (lists.Result, error), dataVar string) (item.Result, string) {
	if !r.IsSet(opt) {
		return item.OK, ""
	}
	list, err := e.Ctx.Expand(r.String(opt))
	if err != nil {
		if expand.IsForcedFail(err) {
			return skip, ""
		}
		return item.Defer, opt + " check lookup or other defer"
	}
	res, err := match(list)
	if err != nil {
		return item.Defer, opt + " check lookup or other defer"
	}
	if !res.Matched {
		return skip, ""
	}
	if res.HasData {
		e.rs.vars.set(dataVar, res.Data, false)
	}
	return item.OK, ""
}

// senderAddress is $sender_address ("" for none).
func (e *Env) senderAddress() string {
	if e.Ctx.Vars == nil {
		return ""
	}
	v, _, _ := e.Ctx.Vars.Var("sender_address")
	return v
}

// debugPrint writes debug_print's expansion when debugging, as Exim's
// debug_print_string does.
func (e *Env) debugPrint(r *conf.Driver) {
	if e.DebugPrint == nil || !r.IsSet("debug_print") {
		return
	}
	raw := r.String("debug_print")
	v, err := e.Ctx.Expand(raw)
	switch {
	case err != nil:
		fmt.Fprintf(e.DebugPrint, "failed to expand debug_output %q: %s\n", raw, err)
	case v != "" && !strings.HasSuffix(v, "\n"):
		io.WriteString(e.DebugPrint, v+"\n")
	case v != "":
		io.WriteString(e.DebugPrint, v)
	}
}
