package lookup

import (
	"net/netip"
	"strings"
)

// ipKey is an iplsearch file key, parsed.
type ipKey struct {
	star  bool
	valid bool
	net   netip.Prefix
}

func parseIPKey(k string) ipKey {
	if k == "*" {
		return ipKey{star: true}
	}
	if strings.Contains(k, "/") {
		p, err := netip.ParsePrefix(k)
		return ipKey{valid: err == nil, net: p}
	}
	a, err := netip.ParseAddr(k)
	if err != nil {
		return ipKey{}
	}
	return ipKey{valid: true, net: netip.PrefixFrom(a, a.BitLen())}
}

func (lf *lsFile) buildIPs() {
	lf.ips = make([]ipKey, len(lf.entries))
	for i := range lf.entries {
		lf.ips[i] = parseIPKey(lf.entries[i].key)
	}
}

// lookupIP returns the first entry whose network contains the address key
// (or the "*" entry when key is "*"). A key that is not an IP address
// defers, with Exim's hint about net-iplsearch.
func (lf *lsFile) lookupIP(key string) (*lsEntry, error) {
	lf.ipOnce.Do(lf.buildIPs)
	if key == "*" {
		for i, k := range lf.ips {
			if k.star {
				return &lf.entries[i], nil
			}
		}
		return nil, nil
	}
	addr, err := netip.ParseAddr(key)
	if err != nil {
		return nil, deferf("\"%s\" is not a valid iplsearch key (an IP address, with optional CIDR mask, is wanted): in a host list, use net-iplsearch as the search type", key)
	}
	addr = addr.WithZone("")
	for i, k := range lf.ips {
		if k.valid && netContains(k.net, addr) {
			return &lf.entries[i], nil
		}
	}
	return nil, nil
}

// netContains compares like Exim's host_is_in_net: an IPv4-mapped IPv6
// address counts as its IPv4 address against an IPv4 network.
func netContains(p netip.Prefix, a netip.Addr) bool {
	if p.Addr().Is4() {
		a = a.Unmap()
	}
	return p.Contains(a)
}
