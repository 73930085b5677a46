package lists

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"exigo/internal/dnsx"
)

// Which local MX "@mx_..." asks for.
const (
	mxAny = iota
	mxPrimary
	mxSecondary
)

// parseMXItem recognizes "@mx_any", "@mx_primary", "@mx_secondary",
// each optionally followed by "/ignore=<host list>" (all caseless).
func parseMXItem(pattern string) (which int, ignore string, ok bool) {
	rest, ok := cutPrefixFold(pattern, "@mx_")
	if !ok {
		return 0, "", false
	}
	words := []string{mxAny: "any", mxPrimary: "primary", mxSecondary: "secondary"}
	which = -1
	for i, w := range words {
		if r, ok := cutPrefixFold(rest, w); ok {
			which, rest = i, r
			break
		}
	}
	if which < 0 {
		return 0, "", false
	}
	if r, ok := cutPrefixFold(rest, "/ignore="); ok {
		return which, r, true
	}
	return which, "", rest == ""
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// mxHost is one MX target with its usable addresses.
type mxHost struct {
	pref  uint16
	name  string
	addrs []string
}

// mxMatch tells whether domain's MX records point at this host as the
// item asks (Exim's host_find_bydns with HOST_FIND_BY_MX: no fallback
// to address records when there are no MX records).
func (e *Env) mxMatch(domain string, which int, ignore string) (bool, error) {
	if e == nil || e.Resolver == nil {
		return false, nil
	}
	hosts, err := e.mxHosts(domain, ignore)
	if err != nil {
		return false, err
	}
	primaryLocal, lowerLocal := e.localMXRanks(hosts)
	switch which {
	case mxPrimary:
		return primaryLocal, nil
	case mxSecondary:
		return !primaryLocal && lowerLocal, nil
	}
	return primaryLocal || lowerLocal, nil
}

func (e *Env) mxHosts(domain, ignore string) ([]mxHost, error) {
	deferErr := &DeferError{Msg: fmt.Sprintf("DNS lookup of \"%s\" deferred", domain)}
	ctx := context.Background()
	ans, err := e.Resolver.Lookup(ctx, dns.Fqdn(domain), dns.TypeMX)
	if err != nil {
		return nil, deferErr
	}
	var hosts []mxHost
	for _, rr := range ans.RRs {
		mx, ok := rr.(*dns.MX)
		if !ok {
			continue
		}
		h := mxHost{pref: mx.Preference, name: strings.TrimSuffix(mx.Mx, ".")}
		if h.addrs, err = e.hostAddrs(ctx, h.name); err != nil {
			return nil, deferErr
		}
		h.addrs = e.dropIgnored(h, ignore)
		if len(h.addrs) > 0 {
			hosts = append(hosts, h)
		}
	}
	return hosts, nil
}

// hostAddrs looks up a name's IPv4 and IPv6 addresses.
func (e *Env) hostAddrs(ctx context.Context, name string) ([]string, error) {
	var addrs []string
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		ans, err := e.Resolver.Lookup(ctx, dns.Fqdn(name), qt)
		if err != nil {
			return nil, err
		}
		addrs = append(addrs, answerAddrs(ans)...)
	}
	return addrs, nil
}

func answerAddrs(ans *dnsx.Answer) []string {
	var out []string
	for _, rr := range ans.RRs {
		switch r := rr.(type) {
		case *dns.A:
			out = append(out, r.A.String())
		case *dns.AAAA:
			out = append(out, r.AAAA.String())
		}
	}
	return out
}

// dropIgnored removes the addresses the "/ignore=" host list matches.
func (e *Env) dropIgnored(h mxHost, ignore string) []string {
	if ignore == "" {
		return h.addrs
	}
	var kept []string
	for _, a := range h.addrs {
		res, err := MatchHost(e, ignore, HostID{Addr: a, Name: h.name})
		if err == nil && res.Matched {
			continue
		}
		kept = append(kept, a)
	}
	return kept
}

// localMXRanks finds whether a local address is among the lowest
// preference hosts (primary) or only among higher ones (lower).
func (e *Env) localMXRanks(hosts []mxHost) (primary, lower bool) {
	if len(hosts) == 0 {
		return false, false
	}
	best := hosts[0].pref
	for _, h := range hosts {
		best = min(best, h.pref)
	}
	for _, h := range hosts {
		if !e.anyLocal(h.addrs) {
			continue
		}
		if h.pref == best {
			primary = true
		} else {
			lower = true
		}
	}
	return primary, lower
}

func (e *Env) anyLocal(addrs []string) bool {
	for _, a := range addrs {
		pa, err := netip.ParseAddr(a)
		if err != nil {
			continue
		}
		for _, l := range e.LocalIPs {
			if pl, err := netip.ParseAddr(l); err == nil && pl.Unmap() == pa.Unmap() {
				return true
			}
		}
	}
	return false
}
