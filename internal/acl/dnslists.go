package acl

import (
	"strings"

	"exigo/internal/eximlog"
	"exigo/internal/lists"
)

// The dnslists condition (manual "Using DNS lists" and the sections
// after it; Exim's verify_check_dnsbl): a list of DNS list domains, each
// looked up with the calling host's inverted address or explicit keys,
// stopping at the first that lists one.

func init() { conditions["dnslists"] = condDNSLists }

// Bits of an item's match type: "!" inverts, "==" and "=&" want every
// returned address to match.
const (
	mtNot = 1
	mtAll = 2
)

// dnslistItem is one parsed list item:
// [txtdomain,]domain[!][=|&|==|=&]iplist[/keys].
type dnslistItem struct {
	domain    string
	txtDomain string // where the TXT record is read; domain unless a comma gave one
	separate  bool   // txtDomain came from a comma
	ipList    string // comma list of addresses or masks
	hasIPs    bool
	bitmask   bool
	matchType int
	keys      string
	hasKeys   bool
}

func parseDNSListItem(item string) dnslistItem {
	var it dnslistItem
	d := item
	if i := strings.IndexByte(d, '/'); i >= 0 {
		d, it.keys, it.hasKeys = d[:i], d[i+1:], true
	}
	i := strings.IndexByte(d, '=')
	if i < 0 {
		i = strings.IndexByte(d, '&')
		it.bitmask = i >= 0
	}
	if i >= 0 {
		it.hasIPs, it.ipList = true, d[i+1:]
		end := i
		if i > 0 && d[i-1] == '!' {
			it.matchType |= mtNot
			end = i - 1
		}
		d = d[:end]
		if !it.bitmask && it.ipList != "" && (it.ipList[0] == '=' || it.ipList[0] == '&') {
			it.bitmask = it.ipList[0] == '&'
			it.matchType |= mtAll
			it.ipList = it.ipList[1:]
		}
	}
	it.domain, it.txtDomain = d, d
	if i := strings.IndexByte(d, ','); i >= 0 {
		it.txtDomain, it.domain, it.separate = d[:i], d[i+1:], true
	}
	return it
}

// dnslistRun is one evaluation of the condition.
type dnslistRun struct {
	c           *Call
	deferReturn Result // what a lookup that defers counts as
	hostRev     string // the calling host's inverted address, once needed
}

func condDNSLists(c *Call) Result {
	d := &dnslistRun{c: c, deferReturn: Fail}
	it := lists.NewIter(c.Arg)
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		c.Debugf("dnslists check: %s", item)
		if strings.HasPrefix(item, "+") {
			d.setUnknown(item)
			continue
		}
		if rc, done := d.checkItem(parseDNSListItem(item)); done {
			return rc
		}
	}
	return Fail
}

// setUnknown handles +include_unknown, +exclude_unknown, +defer_unknown.
func (d *dnslistRun) setUnknown(item string) {
	switch strings.ToLower(item) {
	case "+include_unknown":
		d.deferReturn = OK
	case "+exclude_unknown":
		d.deferReturn = Fail
	case "+defer_unknown":
		d.deferReturn = Defer
	default:
		d.logPanic("unknown item in dnslist (ignored): " + item)
	}
}

// checkItem looks one list domain up; done says the condition's result
// is rc, otherwise the next item is tried.
func (d *dnslistRun) checkItem(it dnslistItem) (rc Result, done bool) {
	d.warnStrange(it.domain)
	if it.separate {
		d.warnStrange(it.txtDomain)
	}
	if !it.hasKeys {
		return d.checkHost(it)
	}
	deferred := false
	keys := lists.NewIter(it.keys)
	for key, ok := keys.Next(); ok; key, ok = keys.Next() {
		prepend := key
		if isIPAddress(key) {
			prepend = invertAddress(key)
		}
		switch d.lookupOne(it, it.domain, key, prepend) {
		case OK:
			d.matched(it, key)
			return OK, true
		case Defer:
			deferred = true
		}
	}
	if deferred {
		return Defer, true
	}
	return Fail, false
}

// checkHost looks up the calling host's inverted address.
func (d *dnslistRun) checkHost(it dnslistItem) (Result, bool) {
	where := d.c.Where()
	if where == WhereNotSMTP || where == WhereNotSMTPStart {
		d.c.SetLogMsg("cannot test auto-keyed dnslists condition in " + where.Name() + " ACL")
		return Error, true
	}
	host := d.c.Var("sender_host_address")
	if host == "" {
		return Fail, true // a local caller can never be listed
	}
	if d.hostRev == "" {
		d.hostRev = invertAddress(host)
	}
	rc := d.lookupOne(it, it.domain, host, d.hostRev)
	if rc == OK {
		d.matched(it, host)
	}
	return rc, rc != Fail
}

// matched sets $dnslist_domain (the TXT domain when there are two) and
// $dnslist_matched (the key, not inverted).
func (d *dnslistRun) matched(it dnslistItem, key string) {
	d.c.SetVar("dnslist_domain", it.txtDomain)
	d.c.SetVar("dnslist_matched", key)
	d.c.Debugf("=> that means %s is listed at %s", key, it.txtDomain)
}

// lookupOne is Exim's one_check_dnsbl: look prepend.domain up, judge the
// addresses against the item's address list, then (for a match) read
// the TXT record, from the TXT domain after checking it lists the key too.
func (d *dnslistRun) lookupOne(it dnslistItem, domain, key, prepend string) Result {
	query := prepend + "." + domain
	if len(query) >= 256 {
		d.logPanic("dnslist query is too long (ignored): " + query + "...")
		return Fail
	}
	e := d.dnsblCached(query)
	switch e.rc {
	case dnsSucceed:
	case dnsNoMatch, dnsNoData:
		d.c.Debugf("DNS lookup for %s failed", query)
		d.c.Debugf("=> that means %s is not listed at %s", key, domain)
		return Fail
	default:
		d.logDefer(query)
		return d.deferReturn
	}
	d.c.Debugf("DNS lookup for %s succeeded (yielding %s)", query, e.addrList())
	if !d.acceptable(it, domain, key, e) {
		return Fail
	}
	if it.separate {
		plain := dnslistItem{domain: it.txtDomain, txtDomain: it.txtDomain}
		return d.lookupOne(plain, it.txtDomain, key, prepend)
	}
	d.txtFor(query, e)
	d.c.SetVar("dnslist_value", e.addrList())
	d.c.SetVar("dnslist_text", e.text)
	return OK
}

// logDefer writes the dnslist_defer line for a lookup that failed.
func (d *dnslistRun) logDefer(query string) {
	outcome := "returned DEFER"
	switch d.deferReturn {
	case OK:
		outcome = "assumed in list"
	case Fail:
		outcome = "assumed not in list"
	}
	if log := d.c.Env().Log; log != nil && d.selectorOn(eximlog.DnslistDefer) {
		log.Main("DNS list lookup defer (probably timeout) for " + query + ": " + outcome)
	}
}

func (d *dnslistRun) selectorOn(n eximlog.Name) bool {
	sel, err := eximlog.ParseSelector(d.c.Env().Config.String("log_selector"))
	if err != nil {
		sel = eximlog.DefaultSelector()
	}
	return sel.Has(n)
}

func (d *dnslistRun) warnStrange(domain string) {
	if strangeDomain(domain) {
		d.logMain(`dnslists domain "` + domain + `" contains strange characters - is this right?`)
	}
}

func (d *dnslistRun) logMain(s string) {
	if log := d.c.Env().Log; log != nil {
		log.Main(s)
	}
}

func (d *dnslistRun) logPanic(s string) {
	if log := d.c.Env().Log; log != nil {
		log.Panic(s)
	}
}

// acceptable judges the returned addresses. Without an address list any
// address in 127.0.0.0/8 will do (others are logged and ignored). With
// one, "=" and "&" want some address to match, "==" and "=&" every one,
// and "!" inverts that.
func (d *dnslistRun) acceptable(it dnslistItem, domain, key string, e *dnsblEntry) bool {
	if !it.hasIPs {
		ok := false
		for _, a := range e.addrs {
			if in127(a) {
				ok = true
			} else {
				d.logDiscarded(key, domain, a)
			}
		}
		return ok
	}
	all := it.matchType&mtAll != 0
	stopped := false
	for _, a := range e.addrs {
		if d.addrMatches(it, domain, key, a) != all { // any: a match; all: a miss
			stopped = true
			break
		}
	}
	if (it.matchType == mtNot || it.matchType == mtAll) != stopped {
		return true
	}
	d.c.Debugf("=> but we are not accepting this block class because")
	op, prefix := "=", ""
	if it.bitmask {
		op = "&"
	}
	if all {
		prefix = "="
	}
	d.c.Debugf("=> there %s for %s%s%s", notAcceptedWhy[it.matchType], prefix, op, it.ipList)
	return false
}

var notAcceptedWhy = [4]string{
	0:             "was no match",
	mtNot:         "was an exclude match",
	mtAll:         "was an IP address that did not match",
	mtNot | mtAll: "were no IP addresses that did not match",
}

// addrMatches compares one returned address with the item's list: as
// text for "=", as a bit mask for "&" (every bit of a listed value must
// be set in the address; an address outside 127/8 is logged and then
// only matches 0.0.0.0).
func (d *dnslistRun) addrMatches(it dnslistItem, domain, key, addr string) bool {
	ips := lists.NewIterSep(it.ipList, ',')
	if !it.bitmask {
		for ip, ok := ips.Next(); ok; ip, ok = ips.Next() {
			if ip == addr {
				return true
			}
		}
		return false
	}
	var mask uint32
	if v, ok := ipv4Value(addr); ok {
		if v>>24 != 127 {
			d.logDiscarded(key, domain, addr)
		} else {
			mask = v
		}
	}
	for ip, ok := ips.Next(); ok; ip, ok = ips.Next() {
		if v, ok := ipv4Value(ip); ok && v&mask == v {
			return true
		}
	}
	return false
}

func (d *dnslistRun) logDiscarded(key, domain, addr string) {
	d.logMain("DNS list lookup for " + key + " at " + domain + " returned " + addr + "; not in 127.0/8 and discarded")
}

func ipv4Value(s string) (uint32, bool) {
	b, ok := parseIPv4(s)
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]), ok
}

func in127(addr string) bool {
	v, ok := ipv4Value(addr)
	return ok && v>>24 == 127
}
