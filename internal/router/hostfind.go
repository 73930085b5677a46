package router

import (
	"math/rand/v2"
	"net/netip"
	"sort"
	"strings"

	"github.com/miekg/dns"

	"exigo/internal/item"
)

// hostRC is the answer of a host lookup (Exim's HOST_FOUND and friends).
type hostRC int

const (
	hostFound      hostRC = iota
	hostFoundLocal        // the (first) host is this machine
	hostFindFailed
	hostFindAgain
	hostIgnored // every address was in ignore_target_hosts
)

// host is a host being looked up: item.Host plus Exim's sort key and why
// it is unusable.
type host struct {
	item.Host
	sortKey int
	ignored bool
	again   bool
}

// lookupFlags select the records host_find_bydns looks for.
type lookupFlags struct {
	mx, addr   bool
	srvService string // "" for no SRV lookup
	srvFail    string // srv_fail_domains
	mxFail     string // mx_fail_domains
}

// bydnsResult is what findByDNS found.
type bydnsResult struct {
	rc        hostRC
	hosts     []host
	fqdn      string
	removed   bool // a local host (and those after it) was dropped
	badSyntax bool
}

// findByDNS is Exim's host_find_bydns: SRV, then MX, then address
// records for name; hosts sorted by preference (equal ones at random),
// their addresses found, ignore_target_hosts applied, IPv6 first within
// a preference, duplicates and this host (and what follows it) removed.
func (e *Env) findByDNS(name, ignore string, f lookupFlags) bydnsResult {
	res := bydnsResult{fqdn: name, rc: hostFindFailed}
	ans := dnsAnswer{rc: dnsNoData} // nothing asked yet
	srv := false
	if f.srvService != "" {
		ans = e.dnsLookup("_"+f.srvService+"._tcp."+name, dns.TypeSRV)
		if ans.rc == dnsSucceed {
			srv = true
			if p := strings.SplitN(ans.fqdn, ".", 3); len(p) == 3 {
				res.fqdn = p[2]
			}
		} else if ans.rc == dnsAgain || ans.rc == dnsFail {
			if !e.inDomainList(f.srvFail, name) {
				res.rc = hostFindAgain
				return res
			}
		}
	}
	if !srv && f.mx {
		ans = e.dnsLookup(name, dns.TypeMX)
		res.badSyntax = ans.badSyntax
		switch ans.rc {
		case dnsNoMatch:
			return res
		case dnsSucceed:
			res.fqdn = ans.fqdn
		case dnsAgain, dnsFail:
			if !e.inDomainList(f.mxFail, name) {
				res.rc = hostFindAgain
				return res
			}
		}
	}
	if ans.rc != dnsSucceed {
		if !f.addr {
			return res
		}
		return e.addressRecordsOnly(name, ignore, res)
	}
	hosts := indirectHosts(ans.rrs, srv)
	if len(hosts) == 0 {
		return res
	}
	if srv && len(hosts) == 1 && hosts[0].Name == "" {
		res.hosts = hosts // "." alone: no service
		return res
	}
	return e.resolveIndirect(hosts, ignore, res)
}

// addressRecordsOnly finishes findByDNS for a name without MX records.
func (e *Env) addressRecordsOnly(name, ignore string, res bydnsResult) bydnsResult {
	hs, rc, fqdn := e.addressFromDNS(host{Host: item.Host{Name: name, MX: -1}}, ignore, false)
	if fqdn != "" {
		res.fqdn = fqdn
	}
	switch rc {
	case hostFound:
		res.hosts = hs
		res.rc, res.hosts, res.removed = e.scanForLocal(hs)
	case hostIgnored:
		res.rc = hostFindFailed
	default:
		res.rc = rc
	}
	return res
}

// indirectHosts turns MX or SRV records into hosts in preference order,
// equal preferences at random, keeping the lowest preference of a name
// that appears twice.
func indirectHosts(rrs []dns.RR, srv bool) []host {
	var hosts []host
	for _, rr := range rrs {
		var name string
		var pref, weight, port int
		switch r := rr.(type) {
		case *dns.MX:
			name, pref, weight = r.Mx, int(r.Preference), rand.IntN(500)
		case *dns.SRV:
			name, pref, weight, port = r.Target, int(r.Priority), int(r.Weight), int(r.Port)
		default:
			continue
		}
		name = strings.TrimSuffix(name, ".")
		dup := -1
		for i := range hosts {
			if strings.EqualFold(hosts[i].Name, name) {
				dup = i
			}
		}
		if dup >= 0 {
			if pref >= hosts[dup].MX {
				continue
			}
			hosts = append(hosts[:dup], hosts[dup+1:]...)
		}
		hosts = append(hosts, host{Host: item.Host{Name: name, MX: pref, Port: port}, sortKey: pref*1000 + weight})
	}
	sort.SliceStable(hosts, func(i, j int) bool { return hosts[i].sortKey < hosts[j].sortKey })
	if srv {
		srvWeightOrder(hosts)
	}
	return hosts
}

// srvWeightOrder picks, within each priority, the host to go first by
// weight (RFC 2782), as Exim does.
func srvWeightOrder(hosts []host) {
	for start := 0; start < len(hosts); start++ {
		end, sum := start, 0
		for ; end < len(hosts) && hosts[end].MX == hosts[start].MX; end++ {
			sum += hosts[end].sortKey % 1000
			hosts[end].sortKey = sum
		}
		if end-start > 1 {
			pick := rand.IntN(sum + 1)
			for i := start; i < end; i++ {
				if hosts[i].sortKey >= pick {
					chosen := hosts[i]
					copy(hosts[start+1:i+1], hosts[start:i])
					hosts[start] = chosen
					break
				}
			}
		}
		hosts[start].sortKey = hosts[start].MX*1000 + rand.IntN(500)
	}
}

// resolveIndirect finds the addresses of MX or SRV hosts.
func (e *Env) resolveIndirect(hosts []host, ignore string, res bydnsResult) bydnsResult {
	var all []host
	for _, h := range hosts {
		hs, rc, _ := e.addressFromDNS(h, ignore, e.Config.Bool("allow_mx_to_ip"))
		switch rc {
		case hostFound:
			all = append(all, hs...)
			continue
		case hostFindAgain:
			res.rc, h.again = hostFindAgain, true
		case hostIgnored:
			h.ignored = true
		}
		h.Unusable = true
		all = append(all, h)
	}
	if ignore != "" {
		all = dropIgnored(all)
	}
	ipv6First(all)
	all = removeDuplicates(all)
	rc, kept, removed := e.scanForLocal(all)
	res.hosts, res.removed = kept, removed
	if rc != hostFindFailed {
		res.rc = rc
	}
	return res
}

// dropIgnored removes hosts whose every address was ignored; a single
// ignored host stays, without an address, as if nothing was found.
func dropIgnored(hosts []host) []host {
	var out []host
	for _, h := range hosts {
		if !h.ignored {
			out = append(out, h)
		}
	}
	if len(out) == 0 && len(hosts) > 0 {
		h := hosts[len(hosts)-1]
		h.Address = ""
		return []host{h}
	}
	return out
}

// ipv6First swaps neighbours of equal preference so that IPv6 addresses
// come before IPv4 ones (one pass, as Exim does).
func ipv6First(hosts []host) {
	for i := 0; i+1 < len(hosts); i++ {
		h, next := &hosts[i], &hosts[i+1]
		if h.MX != next.MX || h.Address == "" {
			continue
		}
		if strings.Contains(h.Address, ":") || next.Address != "" && !strings.Contains(next.Address, ":") {
			continue
		}
		*h, *next = *next, *h
	}
}

// removeDuplicates drops later hosts with an address already listed.
func removeDuplicates(hosts []host) []host {
	seen := map[string]bool{}
	var out []host
	for _, h := range hosts {
		if h.Address != "" {
			if seen[h.Address] {
				continue
			}
			seen[h.Address] = true
		}
		out = append(out, h)
	}
	return out
}

// addressFromDNS is set_address_from_dns: AAAA then A records for h
// (A only when dns_ipv4_lookup matches or IPv6 is disabled), each kind's
// addresses in random order, AAAA ones first. fqdn is the owner name of
// the records when it differs.
func (e *Env) addressFromDNS(h host, ignore string, allowIP bool) ([]host, hostRC, string) {
	if allowIP && isIPAddress(h.Name) {
		if e.ignoredHost(ignore, h.Name, h.Name) {
			return nil, hostIgnored, ""
		}
		h.Address = h.Name
		return []host{h}, hostFound, ""
	}
	var out []host
	v6again := false
	fqdn := ""
	for _, qt := range e.addressTypes(h.Name) {
		ans := e.dnsLookup(h.Name, qt)
		if ans.rc != dnsSucceed {
			if qt == dns.TypeA {
				if len(out) > 0 {
					return out, hostFound, fqdn
				}
				if ans.rc == dnsAgain || ans.rc == dnsFail || v6again {
					return nil, hostFindAgain, fqdn
				}
				return nil, hostFindFailed, fqdn
			}
			if ans.rc != dnsNoMatch && ans.rc != dnsNoData {
				v6again = true
			}
			continue
		}
		if fqdn == "" && ans.fqdn != h.Name {
			fqdn = ans.fqdn
		}
		offset := 0
		if qt == dns.TypeA {
			offset = 500
		}
		var batch []host
		for _, rr := range ans.rrs {
			addr := rrAddress(rr)
			if addr == "" || e.ignoredHost(ignore, h.Name, addr) || hasAddress(out, addr) || hasAddress(batch, addr) {
				continue
			}
			n := h
			if len(out) == 0 && len(batch) == 0 && !strings.EqualFold(n.Name, ownerName(rr)) {
				h.Name = ownerName(rr)
				n.Name = h.Name
			}
			n.Address = addr
			n.sortKey = h.MX*1000 + rand.IntN(500) + offset
			batch = append(batch, n)
		}
		out = append(out, batch...)
		sort.SliceStable(out, func(i, j int) bool { return out[i].sortKey < out[j].sortKey })
	}
	if len(out) == 0 {
		return nil, hostIgnored, fqdn
	}
	return out, hostFound, fqdn
}

// addressTypes are the record types to look up for a host's addresses:
// AAAA then A, or A alone when IPv6 is disabled or dns_ipv4_lookup
// matches the name.
func (e *Env) addressTypes(name string) []uint16 {
	if e.Config.Bool("disable_ipv6") || e.inDomainList(e.Config.String("dns_ipv4_lookup"), name) {
		return []uint16{dns.TypeA}
	}
	return []uint16{dns.TypeAAAA, dns.TypeA}
}

func ownerName(rr dns.RR) string { return strings.TrimSuffix(rr.Header().Name, ".") }

func rrAddress(rr dns.RR) string {
	switch r := rr.(type) {
	case *dns.A:
		return r.A.String()
	case *dns.AAAA:
		return r.AAAA.String()
	}
	return ""
}

func hasAddress(hs []host, addr string) bool {
	for _, h := range hs {
		if h.Address == addr {
			return true
		}
	}
	return false
}

func isIPAddress(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil && !strings.Contains(s, "%")
}
