package lists

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"exigo/internal/lookup"
)

// byAddress handles a plain host name item: the name's addresses are
// looked up and compared with the host's.
func (p *hostProbe) byAddress(name string) (outcome, error) {
	if p.env == nil || p.env.Resolver == nil {
		return unknown, fmt.Errorf("failed to find IP address for %s", name)
	}
	addrs, err := p.env.hostAddrs(context.Background(), name)
	if err != nil {
		return deferred, &DeferError{Msg: fmt.Sprintf("DNS lookup of \"%s\" deferred", name)}
	}
	if len(addrs) == 0 {
		return unknown, fmt.Errorf("failed to find IP address for %s", name)
	}
	for _, a := range addrs {
		if pfx, ok := parseIPItem(a); ok && hostInNet(p.host.Addr, pfx) {
			return matched, nil
		}
	}
	return noMatch, nil
}

// byName handles items matched against the host's name and aliases:
// "*suffix", "^regex", name lookups. Query-style lookups need no name.
func (p *hostProbe) byName(item string) (outcome, error) {
	if semi := strings.IndexByte(item, ';'); semi >= 0 {
		spec, err := lookup.ParseSpec(item[:semi])
		if err != nil {
			p.log(fmt.Sprintf("%s in host list item \"%s\"", err, item))
			return deferred, &DeferError{Msg: err.Error()}
		}
		if spec.Driver.Kind() == lookup.Query {
			return p.matchName("", item)
		}
	}
	if !p.ensureName() {
		return unknown, fmt.Errorf("failed to find host name for %s", p.host.Addr)
	}
	for _, name := range append([]string{p.host.Name}, p.host.Aliases...) {
		if oc, err := p.matchName(name, item); oc != noMatch || err != nil {
			return oc, err
		}
	}
	return noMatch, nil
}

// matchName matches one name like a domain list item, keeping lookup data.
func (p *hostProbe) matchName(name, item string) (outcome, error) {
	var got Result
	sp := newStringProbe(p.env, name, true, &got)
	sp.atSpecial = true
	oc, err := sp.test(item)
	if oc == matched {
		*p.res = Result{Matched: true}
		if isLookupItem(item) {
			p.res.HasData, p.res.Data = true, got.Data
		}
	}
	return oc, err
}

func isLookupItem(item string) bool {
	return item != "" && item[0] != '^' && item[0] != '*' && strings.IndexByte(item, ';') >= 0
}

func (p *hostProbe) log(line string) {
	if p.env != nil && p.env.Log != nil {
		p.env.Log(line)
	}
}

// ensureName finds the host's name when it is not known, by a reverse
// lookup verified forwards, once; only with a resolver.
func (p *hostProbe) ensureName() bool {
	if p.nameKnown || p.nameTried {
		return p.nameKnown
	}
	p.nameTried = true
	if p.env == nil || p.env.Resolver == nil {
		return false
	}
	names, err := p.env.verifiedNames(p.host.Addr)
	if err != nil || len(names) == 0 {
		return false
	}
	p.host.Name, p.host.Aliases, p.nameKnown = names[0], names[1:], true
	return true
}

// verifiedNames returns the PTR names of addr whose own addresses
// include addr.
func (e *Env) verifiedNames(addr string) ([]string, error) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return nil, err
	}
	rev, err := dns.ReverseAddr(a.Unmap().String())
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	ans, err := e.Resolver.Lookup(ctx, rev, dns.TypePTR)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, rr := range ans.RRs {
		ptr, ok := rr.(*dns.PTR)
		if !ok {
			continue
		}
		name := strings.ToLower(strings.TrimSuffix(ptr.Ptr, "."))
		addrs, err := e.hostAddrs(ctx, name)
		if err != nil {
			continue
		}
		for _, x := range addrs {
			if pfx, ok := parseIPItem(x); ok && hostInNet(addr, pfx) {
				names = append(names, name)
				break
			}
		}
	}
	if len(names) == 0 {
		return nil, errors.New("no verified name")
	}
	return names, nil
}

// HostAddrs looks up the A and AAAA records of name.
func (e *Env) HostAddrs(name string) ([]string, error) {
	return e.hostAddrs(context.Background(), name)
}
