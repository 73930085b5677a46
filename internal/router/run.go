package router

import (
	"fmt"
	"strings"
	"sync"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
)

// runRouter applies one router to a whose affixes are already stripped.
// For Pass and Decline, next names the router to go on at: "" for the
// following one, stopRouting when "more" is false.
func runRouter(env *Env, r *conf.Driver, a *item.Address) (res item.Result, kids []*item.Address, next string, err error) {
	rs := &routeState{router: r, vars: newRouteVars(env.Ctx.Vars)}
	rs.vars.setAddress(a, r.Name)
	renv := *env
	renv.Ctx = rs.vars.context(env.Ctx)
	renv.rs = rs
	// The interface list the router may find is kept for the next ones.
	defer func() { env.LocalIPs = renv.LocalIPs }()
	if l := renv.Ctx.Lists; l != nil {
		// Named lists expand with the router's variables.
		le := *l
		le.Expand, le.ExpandDomain = renv.Ctx.Expand, nil
		renv.Ctx.Lists = &le
	}

	switch rc, msg := renv.checkPreconditions(r, a); rc {
	case skip:
		return item.Decline, nil, "", nil
	case item.Defer:
		a.Message = msg
		return item.Defer, nil, "", nil
	}
	if r.IsSet("address_data") {
		v, xerr := renv.Ctx.Expand(r.String("address_data"))
		switch {
		case xerr == nil:
			a.AddressData = v
			rs.vars.set("address_data", v, false)
		case expand.IsForcedFail(xerr):
			return renv.declined(r, a)
		default:
			a.Message = fmt.Sprintf("expansion of %q failed in %s router: %s", r.String("address_data"), r.Name, xerr)
			return item.Defer, nil, "", nil
		}
	}
	d, err := driverFor(r)
	if err != nil {
		return item.Defer, nil, "", err
	}
	res, kids = d.Route(&renv, r, a)
	if res == item.Fail {
		return res, kids, "", nil
	}
	if (res == item.OK || res == item.Pass) && renv.failVerify(r) {
		a.Message = r.Name + " router forced verify failure"
		return item.Fail, nil, "", nil
	}
	switch res {
	case item.Pass:
		return item.Pass, nil, r.String("pass_router"), nil
	case item.Decline:
		return renv.declined(r, a)
	case item.OK:
		return renv.routed(r, a, kids)
	}
	return res, kids, "", nil
}

// failVerify is fail_verify_sender / fail_verify_recipient.
func (e *Env) failVerify(r *conf.Driver) bool {
	if !e.Verify || e.Test || e.Expn {
		return false
	}
	if e.Recipient {
		return r.Bool("fail_verify_recipient")
	}
	return r.Bool("fail_verify_sender")
}

// declined goes on to the next router unless "more" is false.
func (e *Env) declined(r *conf.Driver, a *item.Address) (item.Result, []*item.Address, string, error) {
	more, ok := e.expandBool(r, a, "more", true)
	if !ok {
		return item.Defer, nil, "", nil
	}
	if !more {
		return item.Decline, nil, stopRouting, nil
	}
	return item.Decline, nil, "", nil
}

// routed finishes a successful routing: translate_ip_address, then
// "unseen", which leaves a copy of the address for the next router.
func (e *Env) routed(r *conf.Driver, a *item.Address, kids []*item.Address) (item.Result, []*item.Address, string, error) {
	if r.IsSet("translate_ip_address") {
		if !e.translateIPs(r, a) {
			return item.Defer, nil, "", nil
		}
	}
	unseen, ok := e.expandBool(r, a, "unseen", false)
	if !ok {
		return item.Defer, nil, "", nil
	}
	a.DomainData = e.rs.vars.vals["domain_data"]
	a.LocalPartData = e.rs.vars.vals["local_part_data"]
	a.Message = ""
	if unseen {
		if copy := e.unseenCopy(r, a); copy != nil {
			kids = append([]*item.Address{copy}, kids...)
		}
	}
	return item.OK, kids, "", nil
}

// unseenCopy is route_unseen: a gets an invented parent (a copy of it as
// it was) and a new unique name; the returned sibling starts at the next
// router. Nil when r is the last router.
func (e *Env) unseenCopy(r *conf.Driver, a *item.Address) *item.Address {
	routers := e.Config.Routers
	next := ""
	for i, rr := range routers {
		if rr == r && i+1 < len(routers) {
			next = routers[i+1].Name
		}
	}
	if next == "" {
		return nil
	}
	parent := *a
	if a.Parent != nil {
		parent.ErrorsTo = a.Parent.ErrorsTo
	} else {
		parent.ErrorsTo = ""
	}
	a.Parent = &parent
	clone := item.New(a.Address)
	clone.Parent = &parent
	clone.Original = a.Original
	clone.ErrorsTo = parent.ErrorsTo
	clone.AddressData = a.AddressData
	clone.IgnoreError = a.IgnoreError
	clone.ORCPT, clone.DSNFlags = a.ORCPT, a.DSNFlags
	clone.StartRouter = next
	a.Unique = a.Unique + "/" + r.Name
	return clone
}

// expandBool is Exim's exp_bool for the expandable booleans (more,
// unseen): a setting that starts with "$" is expanded and must give
// true/yes/false/no; a forced failure gives the default.
func (e *Env) expandBool(r *conf.Driver, a *item.Address, name string, def bool) (bool, bool) {
	raw := r.String(name)
	if !r.IsSet(name) || !strings.HasPrefix(raw, "$") {
		return r.Bool(name), true
	}
	v, err := e.Ctx.Expand(raw)
	if err != nil {
		if expand.IsForcedFail(err) {
			return def, true
		}
		a.Message = fmt.Sprintf("failed to expand %q in %s router: %s", name, r.Name, err)
		return false, false
	}
	switch strings.ToLower(v) {
	case "true", "yes":
		return true, true
	case "false", "no":
		return false, true
	}
	a.Message = fmt.Sprintf("%q is not a valid value for the %q option in the %s router", v, name, r.Name)
	return false, false
}

var drivers sync.Map // *conf.Driver -> Driver

// driverFor builds a router instance's driver once.
func driverFor(r *conf.Driver) (Driver, error) {
	if d, ok := drivers.Load(r); ok {
		return d.(Driver), nil
	}
	d, err := NewDriver(r)
	if err != nil {
		return nil, err
	}
	drivers.Store(r, d)
	return d, nil
}

func init() {
	// more and unseen are Exim's expandable booleans.
	conf.RegisterGeneric(conf.KindRouter, []conf.OptionDef{
		{Name: "more", Type: conf.TypeBool, Default: "true", Expanded: true},
		{Name: "unseen", Type: conf.TypeBool, Default: "false", Expanded: true},
	})
}
