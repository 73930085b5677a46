package acl

import (
	"context"
	"strings"
	"time"

	"github.com/miekg/dns"

	"exigo/internal/dnsx"
	"exigo/internal/lists"
)

// dnsRC is the outcome of one DNS query, as Exim's DNS_* codes.
type dnsRC int

const (
	dnsSucceed dnsRC = iota
	dnsNoMatch       // NXDOMAIN, or a name that cannot exist
	dnsNoData        // the name exists without A records
	dnsAgain         // temporary failure
)

// dnsblEntry is a cached DNS list lookup: the A records of one query
// name, and its TXT record once it has been wanted.
type dnsblEntry struct {
	expiry  int64 // Unix seconds
	rc      dnsRC
	addrs   []string
	text    string
	textSet bool
}

// maxDNSBLTTL caps how long a positive answer is kept.
const maxDNSBLTTL = 3600

// dnslistNow is the clock for cache expiry; tests replace it.
var dnslistNow = time.Now

// dnsblCached returns the session's entry for query, looking the name up
// when there is none or it has expired, and tracing as Exim does.
func (d *dnslistRun) dnsblCached(query string) *dnsblEntry {
	st := d.c.Env().State
	if st.dnsbl == nil {
		st.dnsbl = map[string]*dnsblEntry{}
	}
	now := dnslistNow().Unix()
	e := st.dnsbl[query]
	if e != nil && e.expiry > now {
		d.c.Debugf("dnslists: using result of previous lookup")
		return e
	}
	prefix := ""
	if e != nil {
		prefix = "cached data found but past valid time; "
	}
	d.c.Debugf("%snew DNS lookup for %s", prefix, query)
	e = d.lookupA(query)
	st.dnsbl[query] = e
	d.c.Debugf("dnslists: wrote cache entry, ttl=%d", e.expiry-dnslistNow().Unix())
	return e
}

// lookupA queries the A records of query; the cache entry lives for the
// smallest record TTL (at most an hour), and failures for an hour.
func (d *dnslistRun) lookupA(query string) *dnsblEntry {
	now := dnslistNow().Unix()
	e := &dnsblEntry{expiry: now + maxDNSBLTTL}
	rc, rrs := d.basicLookup(query, dns.TypeA)
	e.rc = rc
	if rc != dnsSucceed {
		return e
	}
	ttl := uint32(maxDNSBLTTL)
	for _, rr := range rrs {
		if a, ok := rr.(*dns.A); ok {
			e.addrs = append(e.addrs, a.A.String())
			ttl = min(ttl, rr.Header().Ttl)
		}
	}
	if len(e.addrs) == 0 {
		e.rc = dnsNoData // a CNAME to a name without A records
		return e
	}
	e.expiry = now + int64(ttl)
	return e
}

// basicLookup is Exim's dns_basic_lookup: names failing
// dns_check_names_pattern (A lookups) and IP addresses are not found
// without a query; a temporary failure for a name in
// dns_again_means_nonexist counts as not found.
func (d *dnslistRun) basicLookup(name string, qtype uint16) (dnsRC, []dns.RR) {
	if qtype == dns.TypeA {
		if !dnsx.NameOK(d.c.Env().Config.String("dns_check_names_pattern"), name) {
			return dnsNoMatch, nil
		}
		if isIPAddress(name) {
			return dnsNoMatch, nil
		}
	}
	var res *lists.Env
	if d.c.Env().Ctx != nil {
		res = d.c.Env().Ctx.Lists
	}
	if res == nil || res.Resolver == nil {
		return d.tryAgain(name), nil
	}
	ans, err := res.Resolver.Lookup(context.Background(), name, qtype)
	switch {
	case err != nil:
		return d.tryAgain(name), nil
	case ans.Rcode == dns.RcodeNameError:
		return dnsNoMatch, nil
	}
	for _, rr := range ans.RRs {
		if rr.Header().Rrtype == qtype {
			return dnsSucceed, ans.RRs
		}
	}
	if len(ans.RRs) > 0 {
		return dnsSucceed, ans.RRs // CNAMEs only: the caller finds no data
	}
	return dnsNoData, nil
}

// tryAgain handles a temporary failure: DNS_AGAIN unless the name is in
// dns_again_means_nonexist.
func (d *dnslistRun) tryAgain(name string) dnsRC {
	cfg := d.c.Env().Config
	if !cfg.IsSet("dns_again_means_nonexist") {
		d.c.Debugf("%s in dns_again_means_nonexist? no (option unset)", name)
		return dnsAgain
	}
	var env *lists.Env
	if d.c.Env().Ctx != nil {
		env = d.c.Env().Ctx.Lists
	}
	res, err := lists.MatchDomain(env, cfg.String("dns_again_means_nonexist"), name)
	if err != nil || !res.Matched {
		d.c.Debugf("%s in dns_again_means_nonexist? no (end of list)", name)
		return dnsAgain
	}
	d.c.Debugf("%s in dns_again_means_nonexist? yes", name)
	return dnsNoMatch
}

// txtFor fills in the entry's TXT text once: the first character-string
// of the first TXT record, as Exim keeps it.
func (d *dnslistRun) txtFor(query string, e *dnsblEntry) {
	if e.textSet {
		return
	}
	e.textSet = true
	rc, rrs := d.basicLookup(query, dns.TypeTXT)
	if rc != dnsSucceed {
		return
	}
	for _, rr := range rrs {
		if t, ok := rr.(*dns.TXT); ok {
			if len(t.Txt) > 0 {
				e.text = dnsx.UnescapeTXT(t.Txt[0])
			}
			return
		}
	}
}

// addrList is $dnslist_value: the addresses joined with ", ".
func (e *dnsblEntry) addrList() string { return strings.Join(e.addrs, ", ") }
