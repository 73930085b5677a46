package expand

import (
	"fmt"

	"exigo/internal/expand/funcs"
	"exigo/internal/lookup"
)

// itemFunc implements ${name...}; i is the index just after the name.
type itemFunc func(e *expander, s string, i int, fl flags, o *buf, name string) (int, error)

// builtinItems is filled by init functions in several files.
var builtinItems = map[string]itemFunc{}

func init() {
	for name, fn := range map[string]itemFunc{
		"if": itemIf, "lookup": itemLookup, "extract": itemExtract,
		"listextract": itemListExtract, "map": itemMapFilter, "filter": itemMapFilter,
		"reduce": itemMapFilter, "sort": itemSort, "sg": itemSg, "tr": itemTr,
		"substr": itemSubstr, "length": itemSubstr, "hash": itemSubstr, "nhash": itemSubstr,
		"hmac": itemHmac, "readfile": itemReadfile, "readsocket": itemReadsocket,
		"run": itemRun, "env": itemEnv, "prvs": itemPrvs, "prvscheck": itemPrvscheck,
		"listquote": itemListquote, "perl": itemNotIncluded, "dlfunc": itemNotIncluded,
		"acl": itemACL,
	} {
		builtinItems[name] = fn
	}
}

// findItem returns the implementation of item name, or nil.
func findItem(name string) itemFunc {
	if ri, ok := itemRegistry[name]; ok {
		return func(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
			return e.registeredItem(s, i, fl, o, name, ri)
		}
	}
	return builtinItems[name]
}

func (e *expander) registeredItem(s string, i int, fl flags, o *buf, name string, ri registeredItem) (int, error) {
	args, j, err := e.readSubs(s, i, ri.max, ri.min, fl, true, name)
	if err != nil || fl&skipping != 0 {
		return j, err
	}
	strs := make([]string, len(args))
	tainted := false
	for k, a := range args {
		strs[k] = a.s
		tainted = tainted || a.t
	}
	v, err := ri.fn(e.c, strs)
	if err != nil {
		return j, errMsg(err)
	}
	o.add(v, tainted)
	return j, nil
}

func itemNotIncluded(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	return i, failMsg(fmt.Sprintf("\"${%s\" encountered, but this facility is not included in this binary", name))
}

// itemACL is ${acl{name}{arg}...}: the ACL's message when it accepts or
// denies, a forced failure when it defers, an error otherwise.
func itemACL(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	args, j, err := e.readSubs(s, i, 10, 1, fl, true, name)
	if err != nil || fl&skipping != 0 {
		return j, err
	}
	msg, _, err := e.runACL(args)
	if err != nil {
		return j, err
	}
	o.add(msg, false)
	return j, nil
}

// runACL runs the ACL args[0] with the other args as $acl_arg1...
func (e *expander) runACL(args []arg) (string, ACLResult, error) {
	if e.c.RunACL == nil {
		return "", ACLError, failMsg(fmt.Sprintf("ERROR from acl \"%s\"", args[0].s))
	}
	rest := make([]string, 0, len(args)-1)
	for _, a := range args[1:] {
		rest = append(rest, a.s)
	}
	rc, msg := e.c.RunACL(args[0].s, rest)
	switch rc {
	case ACLAccept, ACLDeny:
		return msg, rc, nil
	case ACLDefer:
		return "", rc, &Error{Msg: fmt.Sprintf("DEFER from acl \"%s\"", args[0].s), Forced: true}
	}
	return "", rc, failMsg(fmt.Sprintf("ERROR from acl \"%s\"", args[0].s))
}

func itemIf(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	before := e.save()
	i = skipSpace(s, i)
	r, j, err := e.cond(s, i, fl&skipping == 0)
	if err != nil {
		return j, err
	}
	e.dbg.interim(e.depth, "condition", s[i:j])
	e.dbg.interim(e.depth, "result", map[bool]string{true: "true", false: "false"}[r])
	j, err = e.yesNo(s, j, fl, r, e.save(), o, "if")
	e.restoreValue(before)
	e.restoreNums(before)
	return j, err
}

func itemLookup(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	saved := e.save()
	defer e.restoreNums(saved)
	i = skipSpace(s, i)
	var key *arg
	if i < len(s) && s[i] == '{' {
		v, t, j, err := e.run(s, i+1, braceEnds|honorDollar|fl&skipping)
		if err != nil {
			return j, err
		}
		if j >= len(s) || s[j] != '}' {
			return j + 1, e.curly("missing '}' after lookup key")
		}
		key = &arg{v, t}
		i = skipSpace(s, j+1)
	}
	if i >= len(s) || !isAlpha(s[i]) {
		return i, failMsg("missing lookup type")
	}
	j := i
	for j < len(s) && s[j] != '{' && !isSpace(s[j]) {
		j++
	}
	typ := s[i:j]
	i = skipSpace(s, j)
	spec, err := lookup.ParseSpec(typ)
	if err != nil {
		return i, failMsg(err.Error())
	}
	query := spec.Driver.Kind() == lookup.Query
	if !query && key == nil {
		return i, failMsg(fmt.Sprintf("missing {key} for single-key \"%s\" lookup", typ))
	}
	if query && key != nil {
		return i, failMsg(fmt.Sprintf("a single key was given for lookup type \"%s\", which is not a single-key lookup type", typ))
	}
	if i >= len(s) || s[i] != '{' {
		return i + 1, e.curly("missing '{' for lookup file-or-query arg")
	}
	file, ft, j, err := e.run(s, i+1, braceEnds|honorDollar|fl&skipping)
	if err != nil {
		return j, err
	}
	if j >= len(s) || s[j] != '}' {
		return j + 1, e.curly("missing '}' closing lookup file-or-query arg")
	}
	i = skipSpace(s, j+1)
	found := false
	if fl&skipping == 0 {
		if found, err = e.doLookup(spec, key, file, ft); err != nil {
			return i, err
		}
	} else {
		e.setValue("", false, false)
	}
	return e.yesNo(s, i, fl, found, saved, o, "lookup")
}

// doLookup runs the search and sets $value (and $1, $2 after a partial match).
func (e *expander) doLookup(spec *lookup.Spec, key *arg, file string, fileTainted bool) (bool, error) {
	var res lookup.Result
	var err error
	what := file
	if key == nil {
		res, err = spec.Query(file)
	} else {
		if fileTainted {
			// Exim refuses tainted file names without setting a message.
			e.c.log("Tainted filename for search: '%s'", file)
			return false, failMsg("(null)")
		}
		what = key.s
		res, err = spec.Find(file, key.s)
	}
	if err != nil {
		if lookup.IsDefer(err) {
			return false, &Error{Msg: fmt.Sprintf("lookup of \"%s\" gave DEFER: %s", funcs.Printing(what, true, false), err.Error()), Defer: true}
		}
		return false, failMsg(err.Error())
	}
	if !res.Found {
		e.setValue("", false, false)
		return false, nil
	}
	e.setValue(res.Value, false, true)
	switch {
	case res.ResetNumeric:
		e.nums = nil
	case res.HasParts:
		zero := ""
		if len(e.nums) > 0 {
			zero = e.nums[0]
		}
		e.nums, e.numsTaint = []string{zero, res.Wild, res.Fixed}, key.t
	}
	return true, nil
}

func itemEnv(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	saved := e.save()
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return i, failMsg("")
	}
	key, _, j, err := e.run(s, i+1, braceEnds|honorDollar|fl&skipping)
	if err != nil {
		return j, err
	}
	if j >= len(s) || s[j] != '}' {
		return j + 1, e.curly("missing '}' for name arg of env")
	}
	v, ok := e.c.lookupEnv(key)
	// The environment is the administrator's (keep_environment): Exim
	// 4.96 treats ${env} values as untainted (checked with appendfile).
	e.setValue(v, false, ok)
	return e.yesNo(s, j+1, fl, ok, saved, o, "env")
}

func itemHmac(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	args, j, err := e.readSubs(s, i, 3, 3, fl, true, name)
	if err != nil || fl&skipping != 0 {
		return j, err
	}
	v, err := funcs.HMAC(args[0].s, args[1].s, args[2].s)
	if err != nil {
		return j, errMsg(err)
	}
	o.add(v, false)
	return j, nil
}

func itemTr(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	args, j, err := e.readSubs(s, i, 3, 3, fl, true, name)
	if err != nil || fl&skipping != 0 {
		return j, err
	}
	subject, from, to := []byte(args[0].s), args[1].s, args[2].s
	if to != "" {
		last := len(to) - 1
		for k, c := range subject {
			if c == 0 {
				continue
			}
			if p := lastIndexByte(from, c); p >= 0 {
				subject[k] = to[min(p, last)]
			}
		}
	}
	o.add(string(subject), args[0].t)
	return j, nil
}

func lastIndexByte(s string, c byte) int {
	for k := len(s) - 1; k >= 0; k-- {
		if s[k] == c {
			return k
		}
	}
	return -1
}

// itemSubstr handles ${substr}, ${length}, ${hash} and ${nhash} with
// braced arguments.
func itemSubstr(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	max := 3
	if name == "length" {
		max = 2
	}
	// Exim 4.96 checks the numbers even when skipping.
	args, j, err := e.readSubs(s, i, max, 2, fl, true, name)
	if err != nil {
		return j, err
	}
	var sub [3]*string
	for k := range args {
		sub[k] = &args[k].s
	}
	subject := args[len(args)-1]
	if len(args) == 2 {
		sub[2], sub[1] = sub[1], nil
		if name == "length" {
			sub[1], sub[0] = sub[0], nil
		}
	}
	val := [2]int{0, -1}
	for k := 0; k < 2; k++ {
		if sub[k] == nil {
			continue
		}
		n, ok := strtolInt(*sub[k])
		if !ok || (k != 0 && n < 0) {
			pos := ""
			if k != 0 {
				pos = " positive"
			}
			return j, failMsg(fmt.Sprintf("\"%s\" is not a%s number (in \"%s\" expansion)", *sub[k], pos, name))
		}
		val[k] = n
	}
	if fl&skipping != 0 {
		return j, nil
	}
	v, err := substrFamily(name, subject.s, val[0], val[1])
	if err != nil {
		return j, errMsg(err)
	}
	o.add(v, subject.t && name != "nhash") // nhash prints fresh numbers
	return j, nil
}

// substrFamily computes hash, nhash or substr; value2 < 0 means unset.
func substrFamily(name, subject string, value1, value2 int) (string, error) {
	switch name {
	case "hash", "h":
		return funcs.Hash(subject, value1, value2, value2 >= 0)
	case "nhash", "nh":
		return funcs.NHash(subject, value1, value2, value2 >= 0)
	}
	return funcs.Substr(subject, value1, value2, value2 >= 0), nil
}

// strtolInt is (int)strtol(s, &end, 10) with *end required to be NUL.
func strtolInt(s string) (int, bool) {
	v, end, _ := strtoll(s)
	if end == 0 || end != len(s) {
		return 0, s == ""
	}
	return int(int32(v)), true
}
