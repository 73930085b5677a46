package router

import (
	"exigo/internal/expand"
	"exigo/internal/item"
)

// routeVars are the variables Exim sets while a router runs
// (deliver_set_expansions plus the precondition results), in front of the
// caller's variables.
type routeVars struct {
	base expand.Vars
	vals map[string]string
	// tainted names the values that came from the message (the address).
	tainted map[string]bool
}

func (v *routeVars) Var(name string) (string, bool, bool) {
	if val, ok := v.vals[name]; ok {
		return val, v.tainted[name], true
	}
	if v.base == nil {
		return "", false, false
	}
	return v.base.Var(name)
}

func (v *routeVars) set(name, value string, tainted bool) {
	v.vals[name] = value
	if tainted {
		v.tainted[name] = true
	} else {
		delete(v.tainted, name)
	}
}

// addressVarNames are cleared for each address so that a base context's
// values (an ACL's $local_part) never leak into routing.
var addressVarNames = []string{
	"local_part", "local_part_prefix", "local_part_prefix_v",
	"local_part_suffix", "local_part_suffix_v", "domain", "address_data",
	"original_local_part", "original_domain", "parent_local_part",
	"parent_domain", "router_name", "self_hostname", "host", "host_address",
	"domain_data", "local_part_data", "home", "sender_data",
	"address_file", "address_pipe",
}

// newRouteVars starts an empty overlay on base.
func newRouteVars(base expand.Vars) *routeVars {
	v := &routeVars{base: base, vals: map[string]string{}, tainted: map[string]bool{}}
	for _, n := range addressVarNames {
		v.vals[n] = ""
	}
	return v
}

// setAddress sets the variables that describe a, as Exim's
// deliver_set_expansions does for a single address.
func (v *routeVars) setAddress(a *item.Address, routerName string) {
	v.set("local_part", a.LocalPart, true)
	v.set("local_part_prefix", a.Prefix, true)
	v.set("local_part_prefix_v", a.PrefixV, true)
	v.set("local_part_suffix", a.Suffix, true)
	v.set("local_part_suffix_v", a.SuffixV, true)
	v.set("domain", a.Domain, true)
	v.set("address_data", a.AddressData, false)
	v.set("self_hostname", a.SelfHost, false)
	v.set("router_name", routerName, false)
	top := a.Top()
	v.set("original_domain", top.Domain, true)
	v.set("original_local_part", routedLocalPart(top), true)
	if p := a.Parent; p != nil {
		v.set("parent_domain", p.Domain, true)
		v.set("parent_local_part", routedLocalPart(p), true)
	} else {
		v.set("parent_domain", "", false)
		v.set("parent_local_part", "", false)
	}
}

// routedLocalPart is an address's local part as its router saw it
// (lower-cased unless that router was caseful); an address no router
// has seen yet gives its local part as it stands.
func routedLocalPart(a *item.Address) string {
	if a.LocalPart != "" || a.Router != "" {
		return a.LocalPart
	}
	lp, _ := splitLocalPart(a.Address)
	return lp
}

// context returns a copy of base whose variables are v.
func (v *routeVars) context(base *expand.Context) *expand.Context {
	c := *base
	c.Vars = v
	return &c
}
