package dnsx

import (
	"strings"
)

// SearchOptions are the resolver options Exim's routers and transports
// set for their lookups (RES_DEFNAMES and RES_DNSRCH through
// qualify_single and search_parents).
type SearchOptions struct {
	QualifySingle bool // a name without dots gets the default domain
	SearchParents bool // a dotted name gets each search domain too
}

// Candidates lists the names the resolver library's res_search tries
// for name, in its order (ndots 1): a dotted name as it is first, then
// with the search domains; a single label with the default domain (the
// first of the search list) before the bare name. A name ending in a dot
// is only tried as it is.
func (r *Resolver) Candidates(name string, o SearchOptions) []string {
	if strings.HasSuffix(name, ".") {
		return []string{strings.TrimSuffix(name, ".")}
	}
	dotted := strings.Contains(name, ".")
	var out []string
	if dotted {
		out = append(out, name)
	}
	if (!dotted && o.QualifySingle) || (dotted && o.SearchParents) {
		search := r.searchList()
		if !o.SearchParents && len(search) > 1 {
			search = search[:1] // the default domain only
		}
		for _, d := range search {
			out = append(out, name+"."+d)
		}
	}
	if !dotted {
		out = append(out, name)
	}
	return out
}

// searchList is Search, or, when the resolver uses /etc/resolv.conf for
// its servers too, the file's search (or domain) line.
func (r *Resolver) searchList() []string {
	if len(r.Search) > 0 || len(r.Servers) > 0 {
		return r.Search
	}
	_, search := readResolvConf()
	return search
}
