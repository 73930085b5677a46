// Package router runs Exim's routers. For now it holds the verify-mode
// walk that address verification needs (ACL "verify = recipient" and
// "sender", VRFY): each router's preconditions in Exim's order, then a
// driver-specific yes or no. The delivery issue turns this into the full
// router chain.
package router

import (
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/lists"
)

// Result of verifying an address.
type Result int

const (
	OK Result = iota
	Fail
	Defer
)

// overlay puts $local_part and $domain in front of a session's variables.
type overlay struct {
	base expand.Vars
	vals map[string]string
}

func (o overlay) Var(name string) (string, bool, bool) {
	if v, ok := o.vals[name]; ok {
		return v, true, true
	}
	if o.base == nil {
		return "", false, false
	}
	return o.base.Var(name)
}

// Verify routes address through cfg's routers in verify mode.
func Verify(cfg *conf.Config, base *expand.Context, address string, recipient bool) (Result, string) {
	local, domain := address, ""
	if i := strings.LastIndexByte(address, '@'); i >= 0 {
		local, domain = address[:i], address[i+1:]
	}
	ctx := *base
	ctx.Vars = overlay{base: base.Vars, vals: map[string]string{
		"local_part": local, "domain": strings.ToLower(domain), "address_data": "",
	}}
	for _, r := range cfg.Routers {
		res, msg, decided := tryRouter(cfg, &ctx, r, local, strings.ToLower(domain), recipient)
		if decided {
			return res, msg
		}
	}
	return Fail, "Unrouteable address"
}

// tryRouter applies one router; decided=false passes to the next.
func tryRouter(cfg *conf.Config, ctx *expand.Context, r *conf.Driver, local, domain string, recipient bool) (Result, string, bool) {
	if (recipient && !r.Bool("verify_recipient")) || (!recipient && !r.Bool("verify_sender")) {
		return OK, "", false
	}
	if r.IsSet("domains") {
		if !match(ctx, r.String("domains"), func(l string) (lists.Result, error) { return lists.MatchDomain(ctx.Lists, l, domain) }) {
			return OK, "", false
		}
	}
	if r.IsSet("local_parts") {
		caseful := r.Bool("caseful_local_part")
		lp := local
		if !caseful {
			lp = strings.ToLower(lp)
		}
		if !match(ctx, r.String("local_parts"), func(l string) (lists.Result, error) { return lists.MatchLocalPart(ctx.Lists, l, lp, !caseful) }) {
			return OK, "", false
		}
	}
	if r.IsSet("condition") {
		ok, err := ctx.Condition(r.String("condition"))
		if err != nil {
			return Defer, "", true
		}
		if !ok {
			return OK, "", false
		}
	}
	switch r.Driver {
	case "accept":
		return OK, "", true
	case "redirect":
		return redirect(ctx, r)
	case "manualroute":
		return OK, "", true
	case "dnslookup":
		return dnslookup(ctx, domain)
	}
	return OK, "", false
}

func match(ctx *expand.Context, raw string, f func(string) (lists.Result, error)) bool {
	list, err := ctx.Expand(raw)
	if err != nil {
		return false
	}
	res, err := f(list)
	return err == nil && res.Matched
}

// redirect looks at what the data expands to: :fail:, :defer:,
// :blackhole: or addresses (taken as deliverable).
func redirect(ctx *expand.Context, r *conf.Driver) (Result, string, bool) {
	if !r.IsSet("data") {
		return OK, "", false
	}
	v, err := ctx.Expand(r.String("data"))
	if err != nil {
		if expand.IsForcedFail(err) {
			return OK, "", false
		}
		return Defer, "", true
	}
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return OK, "", false
	case strings.HasPrefix(v, ":fail:"):
		msg := strings.TrimSpace(strings.TrimPrefix(v, ":fail:"))
		if msg == "" {
			msg = "Unrouteable address"
		}
		return Fail, msg, true
	case strings.HasPrefix(v, ":defer:"):
		return Defer, strings.TrimSpace(strings.TrimPrefix(v, ":defer:")), true
	}
	return OK, "", true
}

// dnslookup accepts a domain with MX or address records.
func dnslookup(ctx *expand.Context, domain string) (Result, string, bool) {
	if ctx.Lists == nil || ctx.Lists.Resolver == nil {
		return Defer, "", true
	}
	addrs, err := ctx.Lists.HostAddrs(domain)
	if err == nil && len(addrs) > 0 {
		return OK, "", true
	}
	return OK, "", false
}
