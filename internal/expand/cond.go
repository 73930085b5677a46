package expand

import (
	"fmt"
	"os"
	"strings"

	"exigo/internal/crypteq"
	"exigo/internal/expand/funcs"
	"exigo/internal/regex"
)

// cond reads (and, when eval is set, evaluates) the condition at s[i],
// as Exim's eval_condition does. It returns the index after it.
func (e *expander) cond(s string, i int, eval bool) (bool, int, error) {
	testfor := true
	for {
		i = skipSpace(s, i)
		if i < len(s) && s[i] == '!' {
			testfor = !testfor
			i++
			continue
		}
		break
	}
	name, i := condName(s, i)
	if name == "" {
		rest := s[i:]
		if len(rest) > 16 {
			rest = rest[:16]
		}
		return false, i, failMsg(fmt.Sprintf("condition name expected, but found \"%s\"", rest))
	}
	r, end, err := e.condBody(s, i, name, eval)
	if err != nil {
		return false, end, err
	}
	return r == testfor, end, nil
}

// condName reads a condition's name: one of = == < <= > >=, or a word.
func condName(s string, i int) (string, int) {
	if i < len(s) && (s[i] == '=' || s[i] == '<' || s[i] == '>') {
		j := i + 1
		if j < len(s) && s[j] == '=' {
			j++
		}
		return s[i:j], j
	}
	return readName(s, i, "_")
}

// condBody evaluates the named condition; the result is before any "!".
func (e *expander) condBody(s string, i int, name string, eval bool) (bool, int, error) {
	if rc, ok := condRegistry[name]; ok {
		return e.registeredCond(s, i, name, rc, eval)
	}
	switch name {
	case "def":
		return e.condDef(s, i, eval)
	case "first_delivery", "queue_running":
		return e.flagVar(name), i, nil
	case "exists", "isip", "isip4", "isip6", "pam", "radius", "ldapauth", "pwcheck":
		return e.condOneArg(s, i, name, eval)
	case "acl":
		return e.condACL(s, i, eval)
	case "saslauthd":
		return false, i, failMsg(fmt.Sprintf("support for \"%s\" not compiled", name))
	case "and", "or":
		return e.condAndOr(s, i, name, eval)
	case "forall", "forany", "forall_json", "forany_json", "forall_jsons", "forany_jsons":
		return e.condForAll(s, i, name, eval)
	case "bool", "bool_lax":
		return e.condBool(s, i, name, eval)
	}
	if twoArgConds[name] {
		return e.condTwoArg(s, i, name, eval)
	}
	return false, i, failMsg(fmt.Sprintf("unknown condition \"%s\"", name))
}

var twoArgConds = map[string]bool{
	"<": true, "<=": true, "=": true, "==": true, ">": true, ">=": true,
	"crypteq": true, "eq": true, "eqi": true, "ge": true, "gei": true, "gt": true, "gti": true,
	"inlist": true, "inlisti": true, "le": true, "lei": true, "lt": true, "lti": true,
	"match": true, "match_address": true, "match_domain": true, "match_ip": true,
	"match_local_part": true,
}

// flagVar reads a yes/no variable such as first_delivery from Vars.
func (e *expander) flagVar(name string) bool {
	if e.c.Vars == nil {
		return false
	}
	v, _, ok := e.c.Vars.Var(name)
	return ok && v != "" && v != "0" && !strings.EqualFold(v, "no") && !strings.EqualFold(v, "false")
}

func (e *expander) condDef(s string, i int, eval bool) (bool, int, error) {
	if i >= len(s) || s[i] != ':' {
		return false, i, failMsg(`":" expected after "def"`)
	}
	name, j := readName(s, i+1, "_")
	if isHeaderVarName(name) {
		hname, k := readHeaderName(name, s, j)
		if strings.IndexByte(hname, '}') >= 0 {
			e.malformedHeader = true
		}
		found := false
		if eval && e.c.Headers != nil {
			found = len(e.c.Headers.Header(hname)) > 0
		}
		return found, k, nil
	}
	v, _, ok := e.lookupVar(name, !eval)
	if !ok {
		if name == "" {
			return false, j, failMsg(`variable name omitted after "def:"`)
		}
		return false, j, failMsg(fmt.Sprintf("unknown variable \"%s\" after \"def:\"", name) + varHint(name))
	}
	return v != "", j, nil
}

// condOneArg handles the conditions with one braced argument.
func (e *expander) condOneArg(s string, i int, name string, eval bool) (bool, int, error) {
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return false, i, failMsg(fmt.Sprintf("missing { after \"%s\"", name))
	}
	v, _, j, err := e.run(s, i+1, condFlags(eval, true))
	if err != nil {
		return false, j, err
	}
	if j >= len(s) || s[j] != '}' {
		return false, j + 1, failMsg(fmt.Sprintf("missing } at end of \"%s\" condition", name))
	}
	j++
	if !eval {
		return false, j, nil
	}
	switch name {
	case "exists":
		_, err := os.Stat(v)
		return err == nil, j, nil
	case "isip", "isip4", "isip6":
		ver, _ := funcs.IsIPAddress(v, false)
		return (name == "isip" && ver != 0) || (name == "isip4" && ver == 4) || (name == "isip6" && ver == 6), j, nil
	}
	return false, j, failMsg(fmt.Sprintf("support for \"%s\" not compiled", name))
}

func condFlags(eval, dollar bool) flags {
	fl := braceEnds
	if dollar {
		fl |= honorDollar
	}
	if !eval {
		fl |= skipping
	}
	return fl
}

// condTwoArg handles comparisons, matches, inlist and crypteq.
func (e *expander) condTwoArg(s string, i int, name string, eval bool) (bool, int, error) {
	var sub [2]arg
	var num [2]int64
	numeric := !isAlpha(name[0])
	for k := 0; k < 2; k++ {
		// The list in match_domain and friends is not expanded (Exim
		// builds without EXPAND_LISTMATCH_RHS), so "$" is literal there.
		dollar := !(k == 1 && strings.HasPrefix(name, "match_"))
		i = skipSpace(s, i)
		if i >= len(s) || s[i] != '{' {
			if k == 0 {
				return false, i, failMsg(fmt.Sprintf("missing { after \"%s\"", name))
			}
			return false, i, failMsg(fmt.Sprintf("missing 2nd string in {} after \"%s\"", name))
		}
		v, t, j, err := e.run(s, i+1, condFlags(eval, dollar))
		if err != nil {
			return false, j, err
		}
		if j >= len(s) || s[j] != '}' {
			return false, j + 1, failMsg(fmt.Sprintf("missing } at end of \"%s\" condition", name))
		}
		i = j + 1
		sub[k] = arg{v, t}
		if numeric && eval && v != "" {
			n, err := StringInteger(v, false)
			if err != nil {
				return false, i, err
			}
			num[k] = n
		}
	}
	if !eval {
		return false, i, nil
	}
	r, err := e.compare(name, sub, num)
	return r, i, err
}

func (e *expander) compare(name string, sub [2]arg, num [2]int64) (bool, error) {
	a, b := sub[0].s, sub[1].s
	switch name {
	case "=", "==":
		return num[0] == num[1], nil
	case ">":
		return num[0] > num[1], nil
	case ">=":
		return num[0] >= num[1], nil
	case "<":
		return num[0] < num[1], nil
	case "<=":
		return num[0] <= num[1], nil
	case "eq":
		return a == b, nil
	case "eqi":
		return cmpCaseless(a, b) == 0, nil
	case "lt":
		return a < b, nil
	case "lti":
		return cmpCaseless(a, b) < 0, nil
	case "le":
		return a <= b, nil
	case "lei":
		return cmpCaseless(a, b) <= 0, nil
	case "gt":
		return a > b, nil
	case "gti":
		return cmpCaseless(a, b) > 0, nil
	case "ge":
		return a >= b, nil
	case "gei":
		return cmpCaseless(a, b) >= 0, nil
	case "match":
		return e.condMatch(sub[0], b)
	case "inlist", "inlisti":
		return e.condInList(sub[0].s, sub[1], name == "inlisti"), nil
	case "crypteq":
		r, err := crypteq.Check(a, b)
		if err != nil {
			return false, errMsg(err)
		}
		return r, nil
	}
	return e.condListMatch(name, sub[0].s, b)
}

// cmpCaseless is Exim's strcmpic, quirk included: when a ends first the
// result is b's next byte, so a proper prefix sorts after the longer
// string ("" gei "x" is true in Exim).
func cmpCaseless(a, b string) int {
	for i := 0; i < len(a); i++ {
		cb := byte(0)
		if i < len(b) {
			cb = lower(b[i])
		}
		if c := int(lower(a[i])) - int(cb); c != 0 {
			return c
		}
	}
	if len(b) > len(a) {
		return int(b[len(a)])
	}
	return 0
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

func (e *expander) condMatch(subject arg, pattern string) (bool, error) {
	re, err := regex.Compile(pattern)
	if err != nil {
		return false, errMsg(err)
	}
	m := re.FindStringSubmatch(subject.s)
	if m == nil {
		return false, nil
	}
	e.nums, e.numsTaint = m, subject.t
	return true, nil
}

func (e *expander) condInList(needle string, list arg, caseless bool) bool {
	name := "inlist"
	if caseless {
		name = "inlisti"
	}
	e.dbg.note(e.depth, "condition: %s  item: %s", name, needle)
	it := newListIter(list.s)
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		e.dbg.note(e.depth, " compare %s", item)
		if needle == item || (caseless && cmpCaseless(needle, item) == 0) {
			e.setValue(item, list.t, true)
			return true
		}
	}
	return false
}

// condRegistered parses nargs arguments and calls a registered condition.
func (e *expander) registeredCond(s string, i int, name string, rc registeredCond, eval bool) (bool, int, error) {
	args := make([]string, 0, rc.nargs)
	for k := 0; k < rc.nargs; k++ {
		i = skipSpace(s, i)
		if i >= len(s) || s[i] != '{' {
			return false, i, failMsg(fmt.Sprintf("missing { after \"%s\"", name))
		}
		v, _, j, err := e.run(s, i+1, condFlags(eval, true))
		if err != nil {
			return false, j, err
		}
		if j >= len(s) || s[j] != '}' {
			return false, j + 1, failMsg(fmt.Sprintf("missing } at end of \"%s\" condition", name))
		}
		i = j + 1
		args = append(args, v)
	}
	if !eval {
		return false, i, nil
	}
	r, err := rc.fn(e.c, args)
	if err != nil {
		return false, i, errMsg(err)
	}
	return r, i, nil
}

// condACL is "acl {{name}{arg}...}": true when the ACL accepts, false when
// it denies, with $value set to its message.
func (e *expander) condACL(s string, i int, eval bool) (bool, int, error) {
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return false, i, failMsg(`missing { after "acl"`)
	}
	fl := condFlags(eval, true)
	args, j, err := e.readSubs(s, i+1, 10, 1, fl, false, "acl")
	if err != nil {
		return false, j, err
	}
	j = skipSpace(s, j)
	if j >= len(s) || s[j] != '}' {
		return false, j, failMsg(`missing } at end of "acl" condition`)
	}
	j++
	if !eval {
		return false, j, nil
	}
	msg, rc, err := e.runACL(args)
	if err != nil {
		return false, j, err
	}
	e.setValue(msg, false, true)
	return rc == ACLAccept, j, nil
}
