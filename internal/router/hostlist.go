package router

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/item"
	"exigo/internal/lists"
)

// buildHostList is host_build_hostlist: a host list as unresolved hosts.
// With randomize the order is random within groups separated by "+";
// without, "+" items are ignored.
func buildHostList(list string, randomize bool) []host {
	var hosts []host
	group := 0
	for _, name := range lists.Split(list) {
		if name == "+" {
			if randomize {
				group++
			}
			continue
		}
		h := host{Host: item.Host{Name: name, MX: -1}}
		if randomize {
			h.MX = -2 - group
			h.sortKey = (group+2)*1000 + rand.IntN(1000)
		}
		hosts = append(hosts, h)
	}
	sort.SliceStable(hosts, func(i, j int) bool { return hosts[i].sortKey < hosts[j].sortKey })
	return hosts
}

// hostPort is host_item_get_port: a trailing ":port" comes off the name
// when the name is "[ip]" or has no other colon.
func hostPort(name string) (string, int) {
	if len(name) < 3 || name[len(name)-1] < '0' || name[len(name)-1] > '9' {
		return name, 0
	}
	i := len(name) - 1
	for i > 1 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	colon := i - 1
	if name[colon] != ':' {
		return name, 0
	}
	port := 0
	for _, c := range name[i:] {
		port = port*10 + int(c-'0')
	}
	switch {
	case name[colon-1] == ']' && name[0] == '[':
		return name[1 : colon-1], port
	case strings.IndexByte(name, ':') == colon:
		return name[:colon], port
	}
	return name, 0
}

// lookupHosts is rf_lookup_hostlist: addresses for each host ("name/MX"
// stands for the name's MX hosts), host_find_failed for hosts that do
// not exist, and this host ending the list (or, first, "self").
func (m manualrouteRouter) lookupHosts(env *Env, r *conf.Driver, a *item.Address, hosts []host, lookup string) ([]host, item.Result, []*item.Address) {
	ignore, ok := env.ignoreTargetHosts(r, a)
	if !ok {
		return nil, item.Defer, nil
	}
	var out []host
	selfSend := false
	for i, h := range hosts {
		name, port := hostPort(h.Name)
		h.Name = name
		found, rc, syntax := env.lookupOneHost(h, ignore, lookup)
		switch rc {
		case hostFindAgain:
			if r.Bool("pass_on_timeout") {
				return nil, item.Pass, nil
			}
			a.Message = fmt.Sprintf("host lookup for %s did not complete (DNS timeout?)", h.Name)
			return nil, item.Defer, nil
		case hostFindFailed, hostIgnored:
			res, done := m.hostFindFailedAction(r, a, h.Name, syntax)
			if done {
				// Exim leaves the list as far as it got on the address,
				// for the routers that follow a decline or pass.
				a.Hosts = itemHosts(append(append(out, h), hosts[i+1:]...))
				return nil, res, nil
			}
			continue
		}
		if port != 0 {
			for i := range found {
				found[i].Port = port
			}
		}
		if rc == hostFoundLocal && !selfSend {
			if len(out) > 0 {
				env.rs.localHostRemoved = true
				break
			}
			res, kids := env.selfAction(r, a, found[0])
			if res != item.OK {
				return nil, res, kids
			}
			selfSend = true
		}
		out = append(out, found...)
	}
	return out, item.OK, nil
}

// lookupOneHost finds one host's addresses the way the rule asks.
func (e *Env) lookupOneHost(h host, ignore, lookup string) ([]host, hostRC, bool) {
	if len(h.Name) > 3 && strings.EqualFold(h.Name[len(h.Name)-3:], "/mx") {
		h.Name = h.Name[:len(h.Name)-3]
		res := e.findByDNS(h.Name, ignore, lookupFlags{mx: true})
		return res.hosts, res.rc, res.badSyntax
	}
	if lookup == "byname" || isIPAddress(h.Name) {
		found, rc, _ := e.findByName(h, ignore, true)
		return found, rc, false
	}
	res := e.findByDNS(h.Name, ignore, lookupFlags{addr: true})
	if res.rc == hostFound && res.removed {
		e.rs.localHostRemoved = true
	}
	if res.rc == hostFindFailed && lookup == "" {
		found, rc, _ := e.findByName(h, ignore, true)
		return found, rc, res.badSyntax
	}
	return res.hosts, res.rc, res.badSyntax
}

// hostFindFailedAction applies host_find_failed; done=false means
// "ignore" (go on without the host).
func (m manualrouteRouter) hostFindFailedAction(r *conf.Driver, a *item.Address, name string, syntax bool) (item.Result, bool) {
	switch m.hostFindFailed {
	case "ignore":
		return 0, false
	case "pass":
		return item.Pass, true
	case "decline":
		return item.Decline, true
	}
	a.Message = fmt.Sprintf("lookup of host %q failed in %s router", name, r.Name)
	if syntax {
		a.Message += ": syntax error in name"
	}
	switch m.hostFindFailed {
	case "defer":
		return item.Defer, true
	case "fail":
		return item.Fail, true
	}
	a.Freeze = true
	return item.Defer, true
}
