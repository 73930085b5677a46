package router

import (
	"fmt"
	"slices"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/expand/funcs"
	"exigo/internal/item"
	"exigo/internal/lists"
)

// manualrouteRouter is Exim's manualroute router: route_list rules
// ("domain-pattern hosts options") or route_data give the hosts (and
// perhaps the transport) for a domain.
type manualrouteRouter struct {
	hostFindFailed, hostAllIgnored string
}

// hffValues are the settings of host_find_failed (host_all_ignored takes
// all but "ignore").
var hffValues = []string{"ignore", "decline", "defer", "fail", "freeze", "pass"}

func init() {
	Register("manualroute", newManualroute)
}

func newManualroute(r *conf.Driver) (Driver, error) {
	m := manualrouteRouter{hostFindFailed: r.String("host_find_failed"), hostAllIgnored: r.String("host_all_ignored")}
	if !slices.Contains(hffValues, m.hostFindFailed) {
		return nil, fmt.Errorf("%s router:\n  unrecognized setting for host_find_failed option", r.Name)
	}
	if m.hostAllIgnored == "ignore" || !slices.Contains(hffValues, m.hostAllIgnored) {
		return nil, fmt.Errorf("%s router:\n  unrecognized setting for host_all_ignored option", r.Name)
	}
	if r.IsSet("route_list") == r.IsSet("route_data") {
		return nil, fmt.Errorf("%s router:\n  route_list or route_data (but not both) must be specified", r.Name)
	}
	return m, nil
}

// routeRule is the chosen rule: its host list (expanded) and options.
type routeRule struct {
	pattern, hosts, options string
}

func (m manualrouteRouter) Route(env *Env, r *conf.Driver, a *item.Address) (item.Result, []*item.Address) {
	rule, rc := m.findRule(env, r, a)
	if rc != item.OK {
		return rc, nil
	}
	opts, rc := parseRouteOptions(env, r, a, rule.options)
	if rc != item.OK {
		return rc, nil
	}
	if !env.setErrorsAndHeaders(r, a) {
		return item.Defer, nil
	}
	t := opts.transport
	if t == nil {
		var ok bool
		if t, ok = env.transportFor(r.String("transport"), a, r, ""); !ok {
			return item.Defer, nil
		}
	}
	if t != nil && isLocalTransport(t) {
		if rule.hosts != "" {
			a.Hosts = []item.Host{{Name: rule.hosts, MX: -1}}
		}
		return env.queue(r, a, t)
	}
	verifying := env.Verify && !env.Test
	if rule.hosts == "" {
		if verifying {
			return env.queue(r, a, t)
		}
		a.Message = fmt.Sprintf("error in %s router: no host(s) specified for domain %s", r.Name, rule.pattern)
		env.logf("%s", a.Message)
		return item.Defer, nil
	}
	hosts := buildHostList(rule.hosts, opts.randomize)
	hosts, res, kids := m.lookupHosts(env, r, a, hosts, opts.lookup)
	if res != item.OK {
		return res, kids
	}
	if len(hosts) == 0 {
		return m.allIgnored(r, a)
	}
	if t == nil && !verifying {
		env.logf("Error in %s router: no transport defined", r.Name)
		a.Message = "error in router: transport missing"
		return item.Defer, nil
	}
	a.Hosts = itemHosts(hosts)
	return env.queue(r, a, t)
}

// findRule picks the route_list rule whose pattern matches the domain
// (with $0, $1 ... and $value from the match set for expanding its
// hosts), or reads route_data.
func (m manualrouteRouter) findRule(env *Env, r *conf.Driver, a *item.Address) (routeRule, item.Result) {
	var rule routeRule
	var matched *expand.MatchVars
	if r.IsSet("route_list") {
		found := false
		for _, it := range lists.SplitSep(r.String("route_list"), ';') {
			rest := strings.TrimLeft(it, " \t\n")
			if rest == "" {
				continue
			}
			pattern, rest := funcs.Dequote(rest)
			hosts, rest := funcs.Dequote(strings.TrimLeft(rest, " \t\n"))
			xpattern, err := env.Ctx.Expand(pattern)
			if err != nil {
				if expand.IsForcedFail(err) {
					continue
				}
				a.Message = "lookup defer in route_list"
				return rule, item.Defer
			}
			// One pattern, not a list: no separator can occur in it.
			res, err := lists.MatchDomain(env.listEnv(), "<\x01"+xpattern, a.Domain)
			if err != nil {
				a.Message = "lookup defer in route_list"
				return rule, item.Defer
			}
			if res.Matched {
				rule = routeRule{pattern: pattern, hosts: hosts, options: strings.TrimLeft(rest, " \t\n")}
				matched = &expand.MatchVars{Nums: res.Vars, Value: res.Data}
				found = true
				break
			}
		}
		if !found {
			return rule, item.Decline
		}
	} else {
		data, rc := env.expandData(r, a, "route_data")
		if rc != item.OK {
			return rule, rc
		}
		hosts, rest := funcs.Dequote(strings.TrimLeft(data, " \t\n"))
		if hosts == "" {
			return rule, item.Decline
		}
		rule = routeRule{pattern: a.Domain, hosts: hosts, options: strings.TrimLeft(rest, " \t\n")}
	}
	ctx := *env.Ctx
	ctx.Matched = matched
	expanded, err := ctx.Expand(rule.hosts)
	if err != nil {
		if expand.IsForcedFail(err) {
			return rule, item.Decline
		}
		a.Message = fmt.Sprintf("%s router: failed to expand %q: %s", r.Name, rule.hosts, err)
		return rule, item.Defer
	}
	rule.hosts = expanded
	return rule, item.OK
}

// routeOptions are a rule's options.
type routeOptions struct {
	randomize bool
	lookup    string // "", "byname" or "bydns"
	transport *conf.Driver
}

// parseRouteOptions reads randomize, no_randomize, byname, bydns and a
// transport name. Like Exim, a word matches an option it begins.
func parseRouteOptions(env *Env, r *conf.Driver, a *item.Address, s string) (routeOptions, item.Result) {
	o := routeOptions{randomize: r.Bool("hosts_randomize")}
	for s != "" {
		end := strings.IndexAny(s, " \t\n")
		if end < 0 {
			end = len(s)
		}
		w := s[:end]
		switch {
		case strings.HasPrefix("randomize", w):
			o.randomize = true
		case strings.HasPrefix("no_randomize", w):
			o.randomize = false
		case strings.HasPrefix("byname", w):
			o.lookup = "byname"
		case strings.HasPrefix("bydns", w):
			o.lookup = "bydns"
		default:
			t := env.Config.Transport(w)
			if t == nil {
				msg := fmt.Sprintf("unknown routing option or transport name %q", s)
				env.logf("Error in %s router: %s", r.Name, msg)
				a.Message = "error in router: " + msg
				return o, item.Defer
			}
			o.transport = t
		}
		s = strings.TrimLeft(s[end:], " \t\n")
	}
	return o, item.OK
}

// allIgnored applies host_all_ignored when host_find_failed = ignore
// left no hosts.
func (m manualrouteRouter) allIgnored(r *conf.Driver, a *item.Address) (item.Result, []*item.Address) {
	switch m.hostAllIgnored {
	case "decline":
		return item.Decline, nil
	case "pass":
		return item.Pass, nil
	}
	a.Message = fmt.Sprintf("lookup failed for all hosts in %s router: host_find_failed=ignore host_all_ignored=%s", r.Name, m.hostAllIgnored)
	switch m.hostAllIgnored {
	case "fail":
		return item.Fail, nil
	case "freeze":
		a.Freeze = true
	}
	return item.Defer, nil
}
