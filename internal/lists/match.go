package lists

import (
	"fmt"
	"net/netip"
	"strings"
)

// MatchDomain tells whether domain is in the domain list (already
// expanded). Domains match caselessly.
func MatchDomain(env *Env, list, domain string) (Result, error) {
	var res Result
	p := newStringProbe(env, domain, true, &res)
	p.atSpecial = true
	return scan(env, Domain, p, &res, list)
}

// MatchLocalPart tells whether localPart is in the local part list.
func MatchLocalPart(env *Env, list, localPart string, caseless bool) (Result, error) {
	var res Result
	p := newStringProbe(env, localPart, caseless, &res)
	return scan(env, LocalPart, p, &res, list)
}

// MatchAddress tells whether address is in the address list. The
// domain is always compared caselessly; the local part too when
// caseless is set, until a "+caseful" item.
func MatchAddress(env *Env, list, address string, caseless bool) (Result, error) {
	var res Result
	p := newAddressProbe(env, address, caseless, &res)
	return scan(env, Address, p, &res, list)
}

// MatchHost tells whether the host is in the host list. Items that need
// the host's name use host.Name and host.Aliases; when the name is
// unknown it is looked up in the DNS only if env has a Resolver.
func MatchHost(env *Env, list string, host HostID) (Result, error) {
	var res Result
	host.Addr = strings.TrimPrefix(host.Addr, "::ffff:") // IPv4-mapped: as IPv4
	p := &hostProbe{env: env, host: host, res: &res, nameKnown: host.Name != ""}
	return scan(env, Host, p, &res, list)
}

// MatchIP is the match_ip condition: a host list in which only IP
// addresses, CIDR networks, "*", "@[]", empty items and (net-style)
// lookups can match. ip must be an IP address or empty.
func MatchIP(env *Env, list, ip string) (Result, error) {
	if ip != "" {
		if _, err := netip.ParseAddr(ip); err != nil {
			return Result{}, fmt.Errorf("\"%s\" is not an IP address", ip)
		}
	}
	var res Result
	ip = strings.TrimPrefix(ip, "::ffff:") // IPv4-mapped: as IPv4
	p := &hostProbe{env: env, host: HostID{Addr: ip}, ipOnly: true, res: &res}
	return scan(env, Host, p, &res, list)
}

func scan(env *Env, kind Kind, p prober, res *Result, list string) (Result, error) {
	w := walker{env: env, kind: kind, probe: p, res: res}
	in, err := w.run(list, quoted(list))
	if err != nil || !in {
		return Result{}, err
	}
	res.Matched = true
	return *res, nil
}
