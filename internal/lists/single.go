package lists

// MatchAddressItem matches address against one address list item, the
// whole string being the item (Exim's "impossible" separator), as a
// rewrite rule's pattern is matched. The item is used as given (callers
// expand it); named lists in it are still expanded on use. Unlike
// MatchAddress it sets Result.Vars: $0 the address, then the local
// part's "*" and the domain's wild parts, or a regex's captures.
func MatchAddressItem(env *Env, item, address string, caseless bool) (Result, error) {
	var res Result
	p := newAddressProbe(env, address, caseless, &res)
	p.numbered = true
	w := walker{env: env, kind: Address, probe: p, res: &res}
	in, err := w.runSingle(item)
	if err != nil || !in {
		return Result{}, err
	}
	res.Matched = true
	return res, nil
}

// MatchStringItem matches s against one string item (Exim's
// match_check_string): a regular expression, "*" wildcard, lookup or
// literal, case-sensitively unless caseless is set.
func MatchStringItem(env *Env, item, s string, caseless bool) (Result, error) {
	var res Result
	p := newStringProbe(env, s, caseless, &res)
	w := walker{env: env, kind: LocalPart, probe: p, res: &res}
	in, err := w.runSingle(item)
	if err != nil || !in {
		return Result{}, err
	}
	res.Matched = true
	return res, nil
}
