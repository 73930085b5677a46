package router

import (
	"context"
	"strings"
	"time"

	"github.com/miekg/dns"

	"exigo/internal/dnsx"
	"exigo/internal/lists"
)

// dnsRC is Exim's dns_lookup answer.
type dnsRC int

const (
	dnsSucceed dnsRC = iota
	dnsNoMatch       // the name does not exist
	dnsNoData        // the name exists, without records of the type
	dnsAgain         // temporary failure
	dnsFail          // permanent failure
)

// dnsAnswer is one lookup's outcome. FQDN is the owner name of the
// records found (after CNAMEs), without the final dot.
type dnsAnswer struct {
	rc     dnsRC
	rrs    []dns.RR
	fqdn   string
	secure bool
	// badSyntax: the name failed dns_check_names_pattern.
	badSyntax bool
}

// dnsLookup is Exim's dns_lookup: the name is checked against
// dns_check_names_pattern, CNAMEs are followed (by the resolver), and
// dns_again_means_nonexist turns a temporary failure into non-existence.
func (e *Env) dnsLookup(name string, qtype uint16) dnsAnswer {
	name = strings.TrimSuffix(name, ".")
	if !e.dnsNameOK(name, qtype) {
		return dnsAnswer{rc: dnsNoMatch, fqdn: name, badSyntax: true}
	}
	r := e.Resolver
	if r == nil {
		r = dnsx.Default()
	}
	name, ans, err := e.searchLookup(r, name, qtype)
	if err != nil {
		if e.againMeansNonexist(name) {
			return dnsAnswer{rc: dnsNoMatch, fqdn: name}
		}
		return dnsAnswer{rc: dnsAgain, fqdn: name}
	}
	out := dnsAnswer{fqdn: name, secure: ans.AD}
	if ans.Rcode == dns.RcodeNameError {
		out.rc = dnsNoMatch
		return out
	}
	// The fully qualified name is the owner of the first CNAME (the name
	// asked for, as the DNS spells it), else of the first record.
	cnameOwner, typeOwner := "", ""
	for _, rr := range ans.RRs {
		switch rr.Header().Rrtype {
		case qtype:
			if typeOwner == "" {
				typeOwner = rr.Header().Name
			}
			out.rrs = append(out.rrs, rr)
		case dns.TypeCNAME:
			if cnameOwner == "" {
				cnameOwner = rr.Header().Name
			}
		}
	}
	owner := cnameOwner
	if owner == "" {
		owner = typeOwner
	}
	if owner != "" && !strings.HasPrefix(owner, "*") {
		out.fqdn = strings.TrimSuffix(owner, ".")
	}
	if len(out.rrs) == 0 {
		out.rc = dnsNoData
	}
	return out
}

// dnsNameOK applies dns_check_names_pattern (SRV names are checked
// without their two leading "_" labels).
func (e *Env) dnsNameOK(name string, qtype uint16) bool {
	pat := e.Config.String("dns_check_names_pattern")
	if qtype == dns.TypePTR || qtype == dns.TypeTXT {
		return true
	}
	check := name
	if qtype == dns.TypeSRV {
		parts := strings.SplitN(name, ".", 3)
		if len(parts) == 3 && strings.HasPrefix(parts[0], "_") && strings.HasPrefix(parts[1], "_") {
			check = parts[2]
		}
	}
	return dnsx.NameOK(pat, check)
}

func (e *Env) againMeansNonexist(name string) bool {
	return e.inDomainList(e.Config.String("dns_again_means_nonexist"), name)
}

// listEnv is the list-matching environment of the current context.
func (e *Env) listEnv() *lists.Env {
	if e.Ctx != nil && e.Ctx.Lists != nil {
		return e.Ctx.Lists
	}
	return &lists.Env{Named: e.Config, PrimaryHostname: e.Config.PrimaryHostname(), Resolver: e.Resolver}
}

// searchLookup is res_search: the name as the router's search options
// widen it (qualify_single, search_parents), each candidate in turn
// until one exists; name is the one answered (the last tried when none).
func (e *Env) searchLookup(r *dnsx.Resolver, name string, qtype uint16) (string, *dnsx.Answer, error) {
	var opt dnsx.SearchOptions
	if e.rs != nil {
		opt = e.rs.search
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var nodata *dnsx.Answer
	nodataName := ""
	cands := r.Candidates(name, opt)
	for i, c := range cands {
		ans, err := r.Lookup(ctx, c, qtype)
		if err != nil {
			return c, nil, err
		}
		if ans.Rcode == dns.RcodeSuccess && hasType(ans, qtype) || i == len(cands)-1 && nodata == nil {
			return c, ans, nil
		}
		if ans.Rcode == dns.RcodeSuccess && nodata == nil {
			nodata, nodataName = ans, c // the resolver reports "no data" over "no such name"
		}
	}
	return nodataName, nodata, nil
}

func hasType(ans *dnsx.Answer, qtype uint16) bool {
	for _, rr := range ans.RRs {
		if rr.Header().Rrtype == qtype {
			return true
		}
	}
	return false
}
