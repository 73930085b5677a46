package lookup

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"exigo/internal/dnsx"

	"github.com/miekg/dns"
)

// dnsdbDriver is the query-style DNS lookup (manual "More about dnsdb").
type dnsdbDriver struct{}

func (dnsdbDriver) Name() string { return "dnsdb" }
func (dnsdbDriver) Kind() Kind   { return Query }

func init() { Register(dnsdbDriver{}) }

func (d dnsdbDriver) Query(query string, opts []string) (string, bool, error) {
	v, found, _, _, err := d.QueryDetail(query, opts)
	return v, found, err
}

// dnsStatus is the outcome of one DNS query, as Exim's dns_lookup sees it.
type dnsStatus int

const (
	dnsSucceed dnsStatus = iota
	dnsNoMatch           // NXDOMAIN
	dnsNoData            // the name exists, no records of the type
	dnsAgain             // temporary failure
)

// dnsdbRun holds the state of one dnsdb query while its domains are looked up.
type dnsdbRun struct {
	q        dnsdbQuery
	resolver *dnsx.Resolver
	out      strings.Builder
	any      bool // something was written (Exim tests its output length)
	ttl      uint32
	dnssec   string
	deferred bool
}

// QueryDetail runs the query and also reports $lookup_dnssec_authenticated
// and how long the result may be cached (the smallest TTL seen).
func (dnsdbDriver) QueryDetail(query string, _ []string) (string, bool, string, time.Duration, error) {
	q, err := parseDnsdbQuery(query)
	if err != nil {
		return "", false, "", 0, err
	}
	r := &dnsdbRun{q: q, resolver: resolverFor(q), ttl: ^uint32(0)}
	if err := r.run(); err != nil {
		return "", false, r.dnssec, 0, err
	}
	var ttl time.Duration
	if r.ttl != ^uint32(0) {
		ttl = time.Duration(max(r.ttl, 1)) * time.Second
	}
	if !r.any {
		if r.deferred {
			return "", false, r.dnssec, 0, &DeferError{}
		}
		return "", false, r.dnssec, ttl, nil
	}
	return r.out.String(), true, r.dnssec, ttl, nil
}

// resolverFor copies the process resolver with the query's timeout,
// retry count and DNSSEC request.
func resolverFor(q dnsdbQuery) *dnsx.Resolver {
	r := *dnsx.Default()
	if q.timeout > 0 {
		r.Timeout = q.timeout
	}
	if q.retries > 0 {
		r.Retries = q.retries
	}
	r.DNSSEC = q.dnssec != modeNever
	return &r
}

// run looks up every domain of the list.
func (r *dnsdbRun) run() error {
	list, sep := r.q.list, 0
	if r.q.typ == "ptr" && !strings.HasPrefix(list, "<") && isIPAddress(list) {
		sep = -1 // one IPv6 address is not a list
	}
	for {
		domain, ok := nextInList(&list, &sep)
		if !ok {
			return nil
		}
		if (r.q.typ == "ptr" || r.q.typ == "csa") && isIPAddress(domain) {
			domain, _ = dns.ReverseAddr(domain)
			domain = strings.TrimSuffix(domain, ".")
		}
		if err := r.lookupDomain(domain); err != nil {
			return err
		}
	}
}

func isIPAddress(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// searchTypes are the DNS types queried for a dnsdb type, in order.
func searchTypes(typ string) []uint16 {
	switch typ {
	case "a+":
		return []uint16{dns.TypeAAAA, dns.TypeA}
	case "mxh":
		return []uint16{dns.TypeMX}
	case "zns":
		return []uint16{dns.TypeNS}
	case "csa":
		return []uint16{dns.TypeSRV}
	}
	return []uint16{dns.StringToType[strings.ToUpper(typ)]}
}

// lookupDomain queries one domain; a temporary failure either defers the
// whole lookup (defer_strict) or is remembered (defer_lax) or ignored.
func (r *dnsdbRun) lookupDomain(domain string) error {
	for _, qtype := range searchTypes(r.q.typ) {
		st, ans, found := r.special(domain, qtype)
		if r.q.dnssec != modeNever && ans != nil {
			r.dnssec = map[bool]string{true: "yes", false: "no"}[ans.AD]
		}
		if st == dnsNoMatch || st == dnsNoData {
			continue
		}
		if st == dnsAgain || (r.q.dnssec == modeStrict && !ans.AD) {
			switch r.q.deferMode {
			case modeStrict:
				return &DeferError{}
			case modeLax:
				r.deferred = true
			}
			continue
		}
		r.format(ans, qtype, domain, found)
	}
	return nil
}

// special does the lookups with extra rules: zns and soa climb towards the
// top-level domain until records are found, csa looks for SRV records.
func (r *dnsdbRun) special(domain string, qtype uint16) (dnsStatus, *dnsx.Answer, string) {
	switch r.q.typ {
	case "zns", "soa":
		return r.climb(domain, qtype)
	case "csa":
		return r.csa(domain)
	}
	st, ans := r.query(domain, qtype)
	return st, ans, domain
}

// climb drops leading labels until a lookup finds something.
func (r *dnsdbRun) climb(domain string, qtype uint16) (dnsStatus, *dnsx.Answer, string) {
	for d := domain; ; {
		st, ans := r.query(d, qtype)
		if st != dnsNoMatch && st != dnsNoData {
			return st, ans, d
		}
		dot := strings.IndexByte(d, '.')
		if dot < 0 {
			return dnsNoMatch, nil, domain
		}
		d = d[dot+1:]
		if d == "" {
			return dnsNoMatch, nil, domain
		}
	}
}

// csaSearchLimit is Exim's dns_csa_search_limit default.
const csaSearchLimit = 5

// csa looks for _client._smtp SRV records at the name, then (for names
// that are not reverse-DNS names) at up to csaSearchLimit parent domains.
func (r *dnsdbRun) csa(domain string) (dnsStatus, *dnsx.Answer, string) {
	st, ans := r.query("_client._smtp."+domain, dns.TypeSRV)
	if st != dnsNoMatch && st != dnsNoData {
		return st, ans, domain
	}
	if strings.HasSuffix(domain, ".arpa") {
		return st, nil, domain
	}
	d := domain
	for i := 0; i < csaSearchLimit; i++ {
		dot := strings.IndexByte(d, '.')
		if dot < 0 || !strings.Contains(d[dot+1:], ".") {
			break
		}
		d = d[dot+1:]
		st, ans = r.query("_client._smtp."+d, dns.TypeSRV)
		if st != dnsNoMatch && st != dnsNoData {
			return st, ans, d
		}
	}
	return dnsNoMatch, nil, domain
}

// query asks the resolver and classifies the answer.
func (r *dnsdbRun) query(name string, qtype uint16) (dnsStatus, *dnsx.Answer) {
	ctx := context.Background()
	ans, err := r.resolver.Lookup(ctx, name, qtype)
	if err != nil {
		return dnsAgain, nil
	}
	if ans.Rcode == dns.RcodeNameError {
		return dnsNoMatch, ans
	}
	for _, rr := range ans.RRs {
		if rr.Header().Rrtype == qtype {
			return dnsSucceed, ans
		}
	}
	return dnsNoData, ans
}
