package router

import (
	"fmt"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/dnsx"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/lists"
)

// dnslookupRouter is Exim's dnslookup router: MX (or SRV) records, else
// address records, for the domain, with widening, the mx_domains and
// fail-domain lists and the "self" handling when this host is the
// lowest MX.
type dnslookupRouter struct{}

func init() {
	Register("dnslookup", func(*conf.Driver) (Driver, error) { return dnslookupRouter{}, nil })
}

func (dnslookupRouter) Route(env *Env, r *conf.Driver, a *item.Address) (item.Result, []*item.Address) {
	flags := lookupFlags{mx: true, addr: true, srvFail: r.String("srv_fail_domains"), mxFail: r.String("mx_fail_domains")}
	if r.IsSet("check_srv") {
		svc, err := env.Ctx.Expand(r.String("check_srv"))
		if err != nil && !expand.IsForcedFail(err) {
			a.Message = fmt.Sprintf("%s router: failed to expand %q: %s", r.Name, r.String("check_srv"), err)
			return item.Defer, nil
		}
		flags.srvService = svc
	}
	ignore, ok := env.ignoreTargetHosts(r, a)
	if !ok {
		return item.Defer, nil
	}
	env.rs.search = dnsx.SearchOptions{QualifySingle: r.Bool("qualify_single"), SearchParents: r.Bool("search_parents")}
	defer func() { env.rs.search = dnsx.SearchOptions{} }()
	widen := env.widenings(r, a)
	found, rc := env.lookupWidened(r, a, widen, flags, ignore)
	if rc != item.OK {
		return rc, nil
	}
	if found.fqdn != a.Domain {
		if !strings.EqualFold(found.fqdn, a.Domain) {
			return item.Rerouted, []*item.Address{changeDomain(a, found.fqdn)}
		}
		at := strings.LastIndexByte(a.Address, '@')
		a.Address = a.Address[:at+1] + found.fqdn
	}
	env.rs.localHostRemoved = env.rs.localHostRemoved || found.removed
	if found.rc == hostFoundLocal {
		res, kids := env.selfAction(r, a, found.hosts[0])
		if res != item.OK {
			return res, kids
		}
	} else if r.Bool("check_secondary_mx") && !env.rs.localHostRemoved {
		return item.Decline, nil
	}
	if !env.setErrorsAndHeaders(r, a) {
		return item.Defer, nil
	}
	a.Hosts = itemHosts(found.hosts)
	return env.toTransport(r, a)
}

// widenings are the domains to try: the address's own, then those of
// widen_domains (not for sender verification when headers would need
// rewriting).
func (e *Env) widenings(r *conf.Driver, a *item.Address) []string {
	names := []string{a.Domain}
	senderVerify := e.Verify && !e.Test && !e.Recipient
	if r.IsSet("widen_domains") && (!senderVerify || !r.Bool("rewrite_headers") || a.Parent != nil) {
		for _, w := range lists.Split(r.String("widen_domains")) {
			names = append(names, a.Domain+"."+w)
		}
	}
	return names
}

// lookupWidened tries each name until one is found; OK means found.
func (e *Env) lookupWidened(r *conf.Driver, a *item.Address, names []string, flags lookupFlags, ignore string) (bydnsResult, item.Result) {
	for _, name := range names {
		found := e.findByDNS(name, ignore, flags)
		if (found.rc == hostFound || found.rc == hostFoundLocal) && len(found.hosts) > 0 &&
			found.hosts[0].MX < 0 && r.IsSet("mx_domains") {
			in, err := e.matchDomainOption(r.String("mx_domains"), found.fqdn)
			if err != nil {
				a.Message = "lookup defer for mx_domains"
				return found, item.Defer
			}
			if in {
				continue
			}
		}
		switch found.rc {
		case hostFindAgain:
			if r.Bool("pass_on_timeout") {
				return found, item.Pass
			}
			a.Message = "host lookup did not complete"
			return found, item.Defer
		case hostFound, hostFoundLocal:
			return found, item.OK
		}
		if rc, done := e.mxFailure(r, a, found); done {
			return found, rc
		}
		if found.badSyntax {
			a.Message = fmt.Sprintf("mail domain %q is syntactically invalid", name)
			return found, item.Decline
		}
	}
	return bydnsResult{}, item.Decline
}

// mxFailure handles MX records that lead nowhere: Exim declines with a
// message of its own (and does no more widening), or defers for
// fail_defer_domains.
func (e *Env) mxFailure(r *conf.Driver, a *item.Address, found bydnsResult) (item.Result, bool) {
	if len(found.hosts) == 0 || found.hosts[0].MX < 0 || found.hosts[0].Address != "" {
		return 0, false
	}
	if found.hosts[0].Name == "" {
		a.Message = "an MX or SRV record indicated no SMTP service"
	} else {
		a.Message = "all relevant MX records point to non-existent hosts"
		if !e.Config.Bool("allow_mx_to_ip") && isIPAddress(found.hosts[0].Name) {
			a.UserMessage = fmt.Sprintf("It appears that the DNS operator for %s\n"+
				"has installed an invalid MX record with an IP address\n"+
				"instead of a domain name on the right hand side.", a.Domain)
			a.Message += " or (invalidly) to IP addresses"
		}
	}
	if r.IsSet("fail_defer_domains") {
		in, err := e.matchDomainOption(r.String("fail_defer_domains"), found.fqdn)
		if err != nil {
			a.Message = "lookup defer for fail_defer_domains"
			return item.Defer, true
		}
		if in {
			a.Message = "missing MX, or all MXs point to missing A records, and defer requested"
			return item.Defer, true
		}
	}
	return item.Decline, true
}

// ignoreTargetHosts is the router's ignore_target_hosts, expanded.
func (e *Env) ignoreTargetHosts(r *conf.Driver, a *item.Address) (string, bool) {
	if !r.IsSet("ignore_target_hosts") {
		return "", true
	}
	v, err := e.Ctx.Expand(r.String("ignore_target_hosts"))
	if err != nil && !expand.IsForcedFail(err) {
		a.Message = fmt.Sprintf("failed to expand ignore_target_hosts in %s router: %s", r.Name, err)
		return "", false
	}
	return v, true
}

// itemHosts turns looked-up hosts into the address's host list.
func itemHosts(hs []host) []item.Host {
	out := make([]item.Host, len(hs))
	for i, h := range hs {
		out[i] = h.Host
	}
	return out
}
