// Package router runs Exim's routers: the generic options and
// preconditions of each router in Exim's order, then its driver (accept,
// redirect, dnslookup, manualroute), as Exim 4.96's route_address does.
// Route handles one address; Walk follows an address and what it
// generates, as verify_address does for -bt, -bv and ACL verification.
package router

import (
	"exigo/internal/conf"
	"exigo/internal/dnsx"
	"exigo/internal/expand"
	"exigo/internal/item"
)

// Result of verifying an address.
type Result int

const (
	OK Result = iota
	Fail
	Defer
)

// Verify routes address through cfg's routers in verify mode (ACL
// "verify = recipient" and "sender", VRFY) and returns the verdict with
// the failing address's message.
func Verify(cfg *conf.Config, base *expand.Context, address string, recipient bool) (Result, string) {
	env := &Env{Config: cfg, Ctx: base, Verify: true, Recipient: recipient, Log: base.Log}
	if base.Lists != nil && base.Lists.Resolver != nil {
		env.Resolver = base.Lists.Resolver
	} else {
		env.Resolver = dnsx.Default()
	}
	res := Walk(env, address, WalkOptions{Qualify: true})
	switch res.Status {
	case item.OK:
		return OK, ""
	case item.Defer:
		return Defer, res.Top.Message
	}
	return Fail, res.Top.Message
}
