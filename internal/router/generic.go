package router

import (
	"fmt"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
)

// Helpers the drivers share: Exim's rf_*.c functions.

// transportFor is rf_get_transport: the transport option (expanded when
// it contains "$") must name a configured transport. required names the
// option in the "unset" error; "" means no transport is fine.
func (e *Env) transportFor(raw string, a *item.Address, r *conf.Driver, required string) (*conf.Driver, bool) {
	if raw == "" {
		if required == "" {
			return nil, true
		}
		a.Message = fmt.Sprintf("%s unset in %s router", required, r.Name)
		return nil, false
	}
	name := raw
	if strings.Contains(raw, "$") {
		v, err := e.Ctx.Expand(raw)
		if err != nil {
			a.Message = fmt.Sprintf("failed to expand transport %q in %s router: %s", raw, r.Name, err)
			return nil, false
		}
		name = v
	}
	if t := e.Config.Transport(name); t != nil {
		return t, true
	}
	a.Message = fmt.Sprintf("transport %q not found in %s router", name, r.Name)
	return nil, false
}

// errorsTo is rf_get_errors_address: errors_to, expanded; "" means
// errors are ignored. When not verifying, the address must verify as a
// recipient, else the old errors address stays.
func (e *Env) errorsTo(r *conf.Driver, a *item.Address) (string, bool) {
	if !r.IsSet("errors_to") {
		return a.ErrorsTo, true
	}
	s, err := e.Ctx.Expand(r.String("errors_to"))
	if err != nil {
		if expand.IsForcedFail(err) {
			return a.ErrorsTo, true
		}
		a.Message = fmt.Sprintf("%s router failed to expand %q: %s", r.Name, r.String("errors_to"), err)
		return "", false
	}
	if s == "" {
		a.IgnoreError = true
		return "", true
	}
	if e.Verify && !e.Test {
		return s, true
	}
	if verified, ok := e.verifyErrorsAddress(s); ok {
		return verified, true
	}
	return a.ErrorsTo, true
}

// verifyErrorsAddress verifies an errors_to address as a recipient, with
// an empty sender (what a bounce would have).
func (e *Env) verifyErrorsAddress(s string) (string, bool) {
	venv := *e
	venv.Verify, venv.Recipient, venv.Test, venv.Expn = true, true, false, false
	venv.rs = nil
	// A new routing: the running router's variables stay out of it.
	base := e.Ctx.Vars
	if rv, ok := base.(*routeVars); ok {
		base = rv.base
	}
	ctx := *e.Ctx
	ctx.Vars = fixedVars{base: base, vals: map[string]string{"sender_address": ""}}
	venv.Ctx = &ctx
	res := Walk(&venv, s, WalkOptions{Qualify: true})
	if res.Status != item.OK {
		return "", false
	}
	return res.Address, true
}

// fixedVars puts a few values in front of other variables.
type fixedVars struct {
	base expand.Vars
	vals map[string]string
}

func (f fixedVars) Var(name string) (string, bool, bool) {
	if v, ok := f.vals[name]; ok {
		return v, false, true
	}
	if f.base == nil {
		return "", false, false
	}
	return f.base.Var(name)
}

// mungeHeaders is rf_get_munge_headers: headers_add and headers_remove
// are expanded and added to what the address already carries.
func (e *Env) mungeHeaders(r *conf.Driver, a *item.Address) (add, remove []string, ok bool) {
	add, remove = a.HeadersAdd, a.HeadersRemove
	if r.IsSet("headers_add") {
		s, err := e.Ctx.Expand(r.String("headers_add"))
		switch {
		case err == nil:
			if s != "" {
				if !strings.HasSuffix(s, "\n") {
					s += "\n"
				}
				add = append(append([]string(nil), add...), s)
			}
		case !expand.IsForcedFail(err):
			a.Message = fmt.Sprintf("%s router failed to expand %q: %s", r.Name, r.String("headers_add"), err)
			return nil, nil, false
		}
	}
	if r.IsSet("headers_remove") {
		s, err := e.Ctx.Expand(r.String("headers_remove"))
		switch {
		case err == nil:
			if s != "" {
				remove = append(append([]string(nil), remove...), s)
			}
		case !expand.IsForcedFail(err):
			a.Message = fmt.Sprintf("%s router failed to expand %q: %s", r.Name, r.String("headers_remove"), err)
			return nil, nil, false
		}
	}
	return add, remove, true
}

// setErrorsAndHeaders runs errorsTo and mungeHeaders onto a.
func (e *Env) setErrorsAndHeaders(r *conf.Driver, a *item.Address) bool {
	errorsTo, ok := e.errorsTo(r, a)
	if !ok {
		return false
	}
	add, remove, ok := e.mungeHeaders(r, a)
	if !ok {
		return false
	}
	a.ErrorsTo, a.HeadersAdd, a.HeadersRemove = errorsTo, add, remove
	return true
}

// ugid is what rf_get_ugid works out from user, group and initgroups.
type ugid struct {
	uid, gid       int
	uidSet, gidSet bool
	initgroups     bool
}

// routerUGID is rf_get_ugid: user (a name or number, expanded when it
// has "$") and group; a user without a group takes the user's.
func (e *Env) routerUGID(r *conf.Driver, a *item.Address) (ugid, bool) {
	g := ugid{initgroups: r.Bool("initgroups")}
	var pw *User
	if r.IsSet("user") {
		name, ok := e.expandID(r, a, "user")
		if !ok {
			return g, false
		}
		u, uid, found := e.findUser(name, true)
		if !found {
			a.Message = fmt.Sprintf("Failed to find user %q from expanded string %q for the %s router", name, r.String("user"), r.Name)
			e.panicf("%s", a.Message)
			return g, false
		}
		pw, g.uid, g.uidSet = u, uid, true
	}
	if r.IsSet("group") {
		name, ok := e.expandID(r, a, "group")
		if !ok {
			return g, false
		}
		gid, found := e.findGroup(name)
		if !found {
			a.Message = fmt.Sprintf("Failed to find group %q from expanded string %q for the %s router", name, r.String("group"), r.Name)
			e.panicf("%s", a.Message)
			return g, false
		}
		g.gid, g.gidSet = gid, true
	}
	if g.uidSet && !g.gidSet {
		if pw == nil {
			a.Message = fmt.Sprintf("user set without group for %s router", r.Name)
			return g, false
		}
		g.gid, g.gidSet = pw.GID, true
	}
	return g, true
}

func (e *Env) expandID(r *conf.Driver, a *item.Address, opt string) (string, bool) {
	raw := r.String(opt)
	if !strings.Contains(raw, "$") {
		return raw, true
	}
	v, err := e.Ctx.Expand(raw)
	if err != nil {
		a.Message = fmt.Sprintf("Failed to expand %s string %q for the %s router: %s", opt, raw, r.Name, err)
		e.panicf("%s", a.Message)
		return "", false
	}
	return v, true
}

// queueAdd is rf_queue_add: a local transport gets the uid/gid (from
// check_local_user, overridden by user/group) and home and current
// directories; a remote one the fallback hosts.
func (e *Env) queueAdd(r *conf.Driver, a *item.Address, t *conf.Driver) bool {
	if t != nil && isLocalTransport(t) {
		if u := e.rs.user; u != nil {
			a.UID, a.GID, a.Home = u.UID, u.GID, u.Home
		}
		g, ok := e.routerUGID(r, a)
		if !ok {
			return false
		}
		if g.uidSet {
			a.UID = g.uid
		}
		if g.gidSet {
			a.GID = g.gid
		}
		a.InitGroups = g.initgroups
		if r.IsSet("transport_home_directory") {
			a.Home = r.String("transport_home_directory")
		} else if a.Home == "" && e.rs.homeExpanded {
			a.Home = e.rs.home
		}
		a.CurrentDir = r.String("transport_current_directory")
		return true
	}
	a.Fallback = fallbackHosts(r)
	return true
}

// fallbackHosts is the router's fallback_hosts as unresolved hosts.
func fallbackHosts(r *conf.Driver) []item.Host {
	var hs []item.Host
	for _, name := range r.StringList("fallback_hosts") {
		hs = append(hs, item.Host{Name: name, MX: -1})
	}
	return hs
}

// isLocalTransport tells local transports (run on this host) from the
// remote smtp one (lmtp over a socket is local too).
func isLocalTransport(t *conf.Driver) bool {
	return t.Driver != "smtp"
}

// changeDomain is rf_change_domain: a new address with the same local
// part (as written) at domain, whose parent is a.
func changeDomain(a *item.Address, domain string) *item.Address {
	at := strings.LastIndexByte(a.Address, '@')
	c := a.Child(a.Address[:at] + "@" + domain)
	c.AddressData, c.IgnoreError = a.AddressData, a.IgnoreError
	c.HeadersAdd, c.HeadersRemove = a.HeadersAdd, a.HeadersRemove
	return c
}

// expandData is rf_expand_data: a forced failure declines, other
// failures defer.
func (e *Env) expandData(r *conf.Driver, a *item.Address, opt string) (string, item.Result) {
	raw := r.String(opt)
	v, err := e.Ctx.Expand(raw)
	if err == nil {
		return v, item.OK
	}
	if expand.IsForcedFail(err) {
		return "", item.Decline
	}
	a.Message = fmt.Sprintf("failed to expand %q: %s", raw, err)
	return "", item.Defer
}
