package lists

import (
	"fmt"
	"strings"
)

// addressProbe tests address list items (Exim's check_address).
type addressProbe struct {
	env      *Env
	orig     string
	subject  string // domain lower-cased; local part too when caseless
	caseless bool
	res      *Result
	// numbered: set $0, $1 ... as Exim's check_address does when its
	// caller asks (rewrite rules); other address lists leave them alone.
	numbered bool
}

func newAddressProbe(env *Env, address string, caseless bool, res *Result) *addressProbe {
	p := &addressProbe{env: env, orig: address, caseless: caseless, res: res}
	at := strings.LastIndexByte(address, '@')
	switch {
	case caseless:
		p.subject = strings.ToLower(address)
	case at >= 0:
		p.subject = address[:at] + strings.ToLower(address[at:])
	default:
		p.subject = address
	}
	return p
}

// caseful restores the original case of the local part.
func (p *addressProbe) caseful() {
	if at := strings.LastIndexByte(p.orig, '@'); at >= 0 {
		p.subject = p.orig[:at] + p.subject[at:]
	}
	p.caseless = false
}

func (p *addressProbe) test(pattern string) (outcome, error) {
	s := p.subject
	at := strings.LastIndexByte(s, '@')
	if at < 0 && s != "" {
		p.log(fmt.Sprintf("no @ found in the subject of an address list match: subject=\"%s\" pattern=\"%s\"", s, pattern))
		return noMatch, nil
	}
	if strings.HasPrefix(pattern, "^") {
		return p.whole(pattern)
	}
	if isWholeAddressLookup(pattern) {
		if strings.HasPrefix(pattern, "partial-") {
			p.log(fmt.Sprintf("partial matching is not applicable to whole-address lookups: ignored \"partial-\" in \"%s\"", pattern))
		}
		return p.whole(pattern)
	}
	if s == "" {
		if pattern == "" {
			*p.res = Result{Matched: true}
			return matched, nil
		}
		return noMatch, nil
	}
	if strings.HasPrefix(pattern, "@@") {
		return p.splitLookup(pattern, s[:at], s[at+1:])
	}
	return p.parts(pattern, s[:at], s[at+1:])
}

func (p *addressProbe) log(line string) {
	if p.env != nil && p.env.Log != nil {
		p.env.Log(line)
	}
}

// isWholeAddressLookup: a lookup type (letters, digits, hyphens),
// optionally "*" or "*@", then ";".
func isWholeAddressLookup(pattern string) bool {
	i := 0
	for i < len(pattern) && (isAlnum(pattern[i]) || pattern[i] == '-') {
		i++
	}
	if i < len(pattern) && pattern[i] == '*' {
		i++
	}
	if i < len(pattern) && pattern[i] == '@' {
		i++
	}
	return i < len(pattern) && pattern[i] == ';'
}

// whole matches a regular expression or a lookup against the complete
// address (no partial matching); only a lookup gives data.
func (p *addressProbe) whole(pattern string) (outcome, error) {
	var res Result
	sp := newStringProbe(p.env, p.subject, p.caseless, &res)
	sp.usePartial = false
	oc, err := sp.test(pattern)
	if oc == matched {
		*p.res = Result{Matched: true}
		if p.numbered {
			p.res.Vars = res.Vars
		}
		if pattern[0] != '^' {
			p.res.HasData, p.res.Data = true, res.Data
		}
	}
	return oc, err
}

// maxChain bounds "@@" continuation chains, as Exim does.
const maxChain = 50

// splitLookup handles "@@lookup": the domain's data is a list of local
// part patterns; a last item ">key" continues with another lookup.
func (p *addressProbe) splitLookup(pattern, local, domain string) (outcome, error) {
	if local == "*" {
		return noMatch, nil
	}
	key := domain
	for n := 0; n < maxChain; n++ {
		var got Result
		oc, err := newStringProbe(p.env, key, false, &got).test(pattern[2:])
		if oc != matched || !got.HasData {
			return oc, err
		}
		list, next, more := splitChain(got.Data)
		if oc, err := p.localParts(list, local); oc != noMatch || err != nil {
			return oc, err
		}
		if !more {
			return noMatch, nil
		}
		key = next
	}
	return noMatch, &FatalError{Msg: fmt.Sprintf("Loop detected in lookup of local part of %s in %s", p.subject, pattern)}
}

// splitChain separates a trailing ">key" item from a local part list.
func splitChain(list string) (rest, key string, ok bool) {
	i := strings.LastIndexByte(list, ':') + 1
	last := strings.TrimLeft(list[i:], " \t\n\v\f\r")
	if !strings.HasPrefix(last, ">") {
		return list, "", false
	}
	cut := len(list) - len(last)
	return list[:cut], strings.TrimLeft(last[1:], " \t\n\v\f\r"), true
}

// localParts matches local against a looked-up list of patterns; the
// first that matches decides ("!" makes it a non-match).
func (p *addressProbe) localParts(list, local string) (outcome, error) {
	it := NewIter(list)
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		positive := true
		if strings.HasPrefix(item, "!") {
			positive = false
			item = strings.TrimLeft(item[1:], " \t\n\v\f\r")
		}
		var got Result
		oc, err := newStringProbe(p.env, local, p.caseless, &got).test(item)
		switch {
		case oc == matched && positive:
			*p.res = Result{Matched: true, HasData: true, Data: got.Data}
			return matched, nil
		case oc == matched:
			return failedItem, nil
		case oc != noMatch || err != nil:
			return oc, err
		}
	}
	return noMatch, nil
}

// failedItem is a definite non-match of an "@@" item (a "!" local part
// matched); the list scan just goes on.
const failedItem = noMatch

// parts matches "local@domain" patterns (and domain-only ones, which
// behave like "*@domain"): the local part literally or as "*suffix",
// the domain as a one-item domain list.
func (p *addressProbe) parts(pattern, local, domain string) (outcome, error) {
	localPat, domainPat := "", pattern
	pat := strings.LastIndexByte(pattern, '@')
	if pat >= 0 {
		if pat > 0 && pattern[pat-1] == '@' && isAtSpecialDomain(pattern[pat+1:]) {
			pat-- // "x@@", "x@@[]", "x@@mx_...": the domain item keeps its "@"
		}
		localPat, domainPat = pattern[:pat], pattern[pat+1:]
		if !p.localMatches(localPat, local) {
			return noMatch, nil
		}
	}
	var dres Result
	sp := newStringProbe(p.env, domain, p.caseless, &dres)
	sp.atSpecial = true
	w := walker{env: p.env, kind: Domain, probe: sp, res: &dres}
	in, err := w.runSingle(domainPat)
	if err != nil {
		if IsDefer(err) {
			return deferred, err
		}
		return noMatch, err
	}
	if !in {
		return noMatch, nil
	}
	// Exim takes as many characters of the pattern as the subject's local
	// part has, so "*a@x" matching "a@x" gives "*@x".
	prefix := ""
	if pat >= 0 {
		prefix = pattern[:min(len(local), len(pattern))]
	}
	*p.res = Result{Matched: true, HasData: true, Data: prefix + "@" + dres.Data}
	if p.numbered {
		p.res.Vars = p.numbers(localPat, local, dres.Vars)
	}
	return matched, nil
}

func isAtSpecialDomain(d string) bool {
	switch d {
	case "", "[]", "mx_any", "mx_primary", "mx_secondary":
		return true
	}
	return false
}

func (p *addressProbe) localMatches(pattern, local string) bool {
	eq := func(a, b string) bool { return a == b || p.caseless && strings.EqualFold(a, b) }
	if strings.HasPrefix(pattern, "*") {
		suffix := pattern[1:]
		return len(local) >= len(suffix) && eq(local[len(local)-len(suffix):], suffix)
	}
	return eq(local, pattern)
}

// numbers are $0 (the address), what a leading "*" of the local part
// matched, then what the domain item captured.
func (p *addressProbe) numbers(localPat, local string, domainVars []string) []string {
	vars := []string{p.subject}
	if strings.HasPrefix(localPat, "*") {
		vars = append(vars, local[:len(local)-(len(localPat)-1)])
	}
	if len(domainVars) > 1 {
		vars = append(vars, domainVars[1:]...)
	}
	return vars
}
