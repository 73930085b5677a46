package router

import (
	"fmt"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/dnsx"
	"exigo/internal/expand"
	"exigo/internal/item"
)

// routeState is what one router's run knows beyond the address: its
// variables and the precondition results drivers use.
type routeState struct {
	vars   *routeVars
	router *conf.Driver
	user   *User // check_local_user's password entry
	// home is $home after check_local_user and router_home_directory;
	// homeExpanded says router_home_directory set it.
	home         string
	homeExpanded bool
	// localHostRemoved: the host lookup dropped this host (and the hosts
	// after it) from the list (Exim's af_local_host_removed).
	localHostRemoved bool
	// search is how the running router's DNS lookups widen names
	// (dnslookup's qualify_single and search_parents).
	search dnsx.SearchOptions
}

// Route runs a through the configured routers, as Exim's route_address
// does: from a.StartRouter (or the first router), each router's
// preconditions, then its driver, until one accepts, fails or defers.
//
// Results:
//   - OK with no new addresses: a is routed; a.Router, a.Transport,
//     a.Hosts, a.Fallback, a.UID/GID, a.Home ... are set.
//   - OK with a.Transport set and new addresses: an "unseen" router; a is
//     routed, and the new address (a copy) goes on at the next router. a
//     and the copy share an invented parent, as in Exim.
//   - OK with no transport and new addresses: a redirect router replaced a
//     by what it generated. Generated files and pipes (Pipe/File set)
//     come back with their transport and need no routing.
//   - Rerouted: a's domain changed (widen_domains, self = reroute); the
//     one new address replaces it.
//   - Discard (:blackhole:), Fail (a.Message, a.UserMessage), Defer.
//
// The error is for configuration problems Exim dies of (an unknown
// driver, a pass_router that does not exist).
func Route(env *Env, a *item.Address) (item.Result, []*item.Address, error) {
	routers := env.Config.Routers
	i, err := startIndex(routers, a.StartRouter)
	if err != nil {
		return item.Defer, nil, err
	}
	ccLocal, domain := splitLocalPart(a.Address)
	a.Domain = domain
	if ccLocal, err = env.percentHack(a, ccLocal); err != nil {
		a.Message = err.Error()
		return item.Defer, nil, nil
	}
	var last *conf.Driver
	for i < len(routers) {
		r := routers[i]
		next := i + 1
		last = r
		a.Router = r.Name
		skip, loop := previouslyRouted(a, r)
		if loop {
			env.panicf("routing loop for %s", a.Address)
			a.Message = ""
			return item.Defer, nil, nil
		}
		if skip {
			i = next
			continue
		}
		if !applyAffixes(a, r, ccLocal) {
			i = next
			continue
		}
		res, kids, nextName, err := runRouter(env, r, a)
		if err != nil {
			return item.Defer, nil, err
		}
		switch res {
		case item.Pass, item.Decline:
			if nextName == stopRouting {
				return noMoreRouters(env, a, r)
			}
			if nextName != "" {
				if i, err = startIndex(routers, nextName); err != nil {
					return item.Defer, nil, err
				}
				continue
			}
			i = next
			continue
		}
		return res, kids, nil
	}
	return noMoreRouters(env, a, last)
}

// percentHack is the percent hack of Exim's deliver_split_address: for
// a domain in percent_hack_domains, "user%dest@domain" becomes
// "user@dest" (repeatedly), and a gets a copy of itself as its parent.
func (e *Env) percentHack(a *item.Address, local string) (string, error) {
	if !e.Config.IsSet("percent_hack_domains") {
		return local, nil
	}
	list := e.Config.String("percent_hack_domains")
	newAddr, domain := "", a.Domain
	for {
		in, err := e.matchDomainOption(list, domain)
		if err != nil {
			return local, err
		}
		pct := strings.LastIndexByte(local, '%')
		if !in || pct < 0 {
			break
		}
		newAddr = local[:pct] + "@" + local[pct+1:]
		domain = strings.ToLower(local[pct+1:])
		local = local[:pct]
	}
	if newAddr != "" {
		parent := *a
		a.Parent = &parent
		a.Address, a.Unique, a.Domain = newAddr, newAddr, domain
	}
	return local, nil
}

// stopRouting is runRouter's answer for "more = false".
const stopRouting = "\x00stop"

func startIndex(routers []*conf.Driver, name string) (int, error) {
	if name == "" {
		return 0, nil
	}
	for i, r := range routers {
		if r.Name == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("new_router %q not found", name)
}

// previouslyRouted is Exim's loop check: an ancestor routed by this
// router with the same address (or, with no_repeat_use, any ancestor
// this router handled) makes the router skip. More than 100 generations
// is a routing loop.
func previouslyRouted(a *item.Address, r *conf.Driver) (skip, loop bool) {
	n := 0
	for p := a.Parent; p != nil; p = p.Parent {
		if p.Router == r.Name && sameForLoop(p, a, r) {
			return true, false
		}
		if n++; n > 101 {
			return false, true
		}
	}
	return false, false
}

// sameForLoop: does ancestor p count as a for the loop check?
func sameForLoop(p, a *item.Address, r *conf.Driver) bool {
	// repeat_use is a redirect option; other routers have it true.
	if r.Driver == "redirect" && !r.Bool("repeat_use") {
		return true
	}
	if !strings.EqualFold(p.Address, a.Address) {
		return false
	}
	if !r.Bool("caseful_local_part") {
		return true
	}
	at := strings.LastIndexByte(a.Address, '@')
	return at >= 0 && len(p.Address) >= at && p.Address[:at] == a.Address[:at]
}

// applyAffixes sets a.LocalPart (caseless unless the router is caseful)
// and strips the router's prefix and suffix; false skips the router.
func applyAffixes(a *item.Address, r *conf.Driver, ccLocal string) bool {
	lp := ccLocal
	if !r.Bool("caseful_local_part") {
		lp = strings.ToLower(lp)
	}
	a.Prefix, a.PrefixV, a.Suffix, a.SuffixV = "", "", "", ""
	if r.IsSet("local_part_prefix") {
		plen, vlen := matchPrefix(lp, r.String("local_part_prefix"))
		if plen > 0 {
			a.Prefix, a.PrefixV = lp[:plen], lp[:vlen]
			lp = lp[plen:]
		} else if !r.Bool("local_part_prefix_optional") {
			return false
		}
	}
	if r.IsSet("local_part_suffix") {
		slen, vlen := matchSuffix(lp, r.String("local_part_suffix"))
		if slen > 0 {
			a.Suffix = lp[len(lp)-slen:]
			a.SuffixV = a.Suffix[len(a.Suffix)-vlen:]
			lp = lp[:len(lp)-slen]
		} else if !r.Bool("local_part_suffix_optional") {
			return false
		}
	}
	a.LocalPart = lp
	return true
}

// noMoreRouters fails an address no router took: Exim's "Unrouteable
// address", or the last router's cannot_route_message, unless a router
// that declined left a message of its own.
func noMoreRouters(env *Env, a *item.Address, last *conf.Driver) (item.Result, []*item.Address, error) {
	if a.Message == "" {
		msg := "Unrouteable address"
		if last != nil && last.IsSet("cannot_route_message") {
			ctx := routerContext(env, last, a)
			m, err := ctx.Expand(last.String("cannot_route_message"))
			switch {
			case err == nil:
				msg = m
			case !expand.IsForcedFail(err):
				env.panicf("failed to expand cannot_route_message in %s router: %s", last.Name, err)
			}
		}
		a.Message, a.UserMessage = msg, msg
	}
	a.Router = ""
	return item.Fail, nil, nil
}

// routerContext is the expansion context for r with a's variables set.
func routerContext(env *Env, r *conf.Driver, a *item.Address) *expand.Context {
	v := newRouteVars(env.Ctx.Vars)
	v.setAddress(a, r.Name)
	return v.context(env.Ctx)
}

func (e *Env) logf(format string, args ...any) {
	if e.Log != nil {
		e.Log(fmt.Sprintf(format, args...))
	}
}

// panicf writes a line to the main and panic logs.
func (e *Env) panicf(format string, args ...any) {
	if e.PanicLog != nil {
		e.PanicLog(fmt.Sprintf(format, args...))
		return
	}
	e.logf(format, args...)
}
