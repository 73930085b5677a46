package router

import (
	"net"
	"net/netip"
	"strings"

	"exigo/internal/expand"
	"exigo/internal/lists"
)

// scanForLocal is host_scan_for_local_hosts: a host that is this machine
// (an interface address, 0.0.0.0, or a name in hosts_treat_as_local)
// cuts the list before the group of equal preference it is in. If that
// is the first group, the answer is hostFoundLocal with the list intact.
func (e *Env) scanForLocal(hosts []host) (hostRC, []host, bool) {
	rc := hostFindFailed
	prev := -1 // the last host that ends a preference group
	for i, h := range hosts {
		if e.isLocalHost(h) {
			if prev < 0 {
				return hostFoundLocal, hosts, false
			}
			return rc, hosts[:prev+1], true
		}
		if h.Address != "" {
			rc = hostFound
		}
		if i+1 == len(hosts) || hosts[i+1].MX != h.MX {
			prev = i
		}
	}
	return rc, hosts, false
}

func (e *Env) isLocalHost(h host) bool {
	if e.Config.IsSet("hosts_treat_as_local") {
		if e.inDomainList(e.Config.String("hosts_treat_as_local"), strings.ToLower(h.Name)) {
			return true
		}
	}
	if h.Address == "" {
		return false
	}
	if h.Address == "0.0.0.0" {
		return true
	}
	a, err := netip.ParseAddr(h.Address)
	if err != nil {
		return false
	}
	for _, ip := range e.localIPs() {
		if b, err := netip.ParseAddr(ip); err == nil && a.Unmap() == b.Unmap() {
			return true
		}
	}
	return false
}

// localIPs are this machine's addresses: local_interfaces (all running
// interfaces for a wildcard, Exim's default) and extra_local_interfaces.
func (e *Env) localIPs() []string {
	if e.LocalIPs != nil {
		return e.LocalIPs
	}
	var out []string
	wild := false
	for _, opt := range []string{"local_interfaces", "extra_local_interfaces"} {
		if opt == "local_interfaces" && !e.Config.IsSet(opt) {
			wild = true
			continue
		}
		for _, it := range lists.Split(e.Config.String(opt)) {
			ip := interfaceIP(it)
			if ip == "0.0.0.0" || ip == "::0" || ip == "::" {
				wild = true
			} else if ip != "" {
				out = append(out, ip)
			}
		}
	}
	if wild {
		out = append(out, systemIPs()...)
	}
	e.LocalIPs = out
	return out
}

// interfaceIP strips a ".port" or "[ip]:port" from an interface item.
func interfaceIP(it string) string {
	it = strings.TrimSpace(it)
	if strings.HasPrefix(it, "[") {
		if end := strings.IndexByte(it, ']'); end > 0 {
			return it[1:end]
		}
	}
	if isIPAddress(it) {
		return it
	}
	if i := strings.LastIndexByte(it, '.'); i > 0 && isIPAddress(it[:i]) {
		return it[:i]
	}
	return it
}

func systemIPs() []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return []string{"127.0.0.1", "::1"}
	}
	var out []string
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			out = append(out, n.IP.String())
		}
	}
	return out
}

// ignoredHost matches a host against ignore_target_hosts.
func (e *Env) ignoredHost(list, name, addr string) bool {
	if list == "" {
		return false
	}
	res, err := lists.MatchHost(e.listEnv(), list, lists.HostID{Addr: addr, Name: name})
	return err == nil && res.Matched
}

// inDomainList matches a domain against a (possibly empty) domain list
// option; a failed expansion or lookup counts as no match.
func (e *Env) inDomainList(list, domain string) bool {
	in, err := e.matchDomainOption(list, domain)
	return err == nil && in
}

// matchDomainOption matches domain against a domain list option, which
// Exim expands before use (the manual's "Expansion of lists"): a forced
// failure means not in the list, any other failure is an error, as is
// a lookup that defers.
func (e *Env) matchDomainOption(list, domain string) (bool, error) {
	if list == "" {
		return false, nil
	}
	v, err := e.Ctx.Expand(list)
	if err != nil {
		if expand.IsForcedFail(err) {
			return false, nil
		}
		return false, err
	}
	res, err := lists.MatchDomain(e.listEnv(), v, domain)
	return res.Matched, err
}

// findByName is host_find_byname as exigo does it: an IP address stands
// for itself; a name is looked up in the DNS (AAAA, then A), never in
// the system's resolver. localCheck scans for this host.
func (e *Env) findByName(h host, ignore string, localCheck bool) ([]host, hostRC, string) {
	var out []host
	fqdn := h.Name
	again := false
	if isIPAddress(h.Name) {
		if !e.ignoredHost(ignore, h.Name, h.Name) {
			n := h
			n.Address = h.Name
			out = append(out, n)
		}
	} else {
		for _, qt := range e.addressTypes(h.Name) {
			ans := e.dnsLookup(h.Name, qt)
			if ans.rc == dnsAgain {
				again = true
			}
			if ans.rc != dnsSucceed {
				continue
			}
			fqdn = ans.fqdn
			for _, rr := range ans.rrs {
				addr := rrAddress(rr)
				if addr == "" || e.ignoredHost(ignore, h.Name, addr) || hasAddress(out, addr) {
					continue
				}
				n := h
				n.Name, n.Address = fqdn, addr
				out = append(out, n)
			}
		}
	}
	if len(out) == 0 {
		if again && !e.againMeansNonexist(h.Name) {
			return nil, hostFindAgain, fqdn
		}
		return nil, hostFindFailed, fqdn
	}
	if !localCheck {
		return out, hostFound, fqdn
	}
	rc, kept, _ := e.scanForLocal(out)
	return kept, rc, fqdn
}
