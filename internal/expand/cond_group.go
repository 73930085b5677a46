package expand

import (
	"fmt"
	"math"
	"strings"

	"exigo/internal/lists"
)

// condAndOr handles and{{c1}{c2}...} and or{...}, evaluating only as far
// as needed but always reading every subcondition.
func (e *expander) condAndOr(s string, i int, name string, eval bool) (bool, int, error) {
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return false, i, failMsg(fmt.Sprintf("missing { after \"%s\"", name))
	}
	i++
	isAnd := name == "and"
	combined := isAnd
	subEval := eval
	for {
		i = skipSpace(s, i)
		if i < len(s) && s[i] == '}' {
			break
		}
		if i >= len(s) || s[i] != '{' {
			return false, i, failMsg(fmt.Sprintf("each subcondition inside an \"%s{...}\" condition must be in its own {}", name))
		}
		r, j, err := e.cond(s, i+1, subEval)
		if err != nil {
			return false, j, failMsg(fmt.Sprintf("%s inside \"%s{...}\" condition", err.Error(), name))
		}
		i = skipSpace(s, j)
		if i >= len(s) || s[i] != '}' {
			return false, i + 1, failMsg(fmt.Sprintf("missing } at end of condition inside \"%s\" group", name))
		}
		i++
		if subEval {
			if isAnd {
				combined = combined && r
				subEval = combined
			} else {
				combined = combined || r
				subEval = !combined
			}
		}
	}
	return combined, i + 1, nil
}

// condForAll handles forall{list}{condition} and forany.
func (e *expander) condForAll(s string, i int, name string, eval bool) (bool, int, error) {
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return false, i, failMsg(fmt.Sprintf("missing { after \"%s\"", name))
	}
	e.dbg.note(e.depth, "condition: %s", name)
	list, lt, j, err := e.run(s, i+1, condFlags(eval, true))
	if err != nil {
		return false, j, err
	}
	if j >= len(s) || s[j] != '}' {
		return false, j + 1, failMsg(fmt.Sprintf("missing } at end of \"%s\" condition", name))
	}
	i = skipSpace(s, j+1)
	if i >= len(s) || s[i] != '{' {
		return false, i + 1, failMsg(fmt.Sprintf("missing { after \"%s\"", name))
	}
	condStart := i + 1
	_, j, err = e.cond(s, condStart, false)
	if err != nil {
		return false, j, failMsg(fmt.Sprintf("%s inside \"%s\" condition", err.Error(), name))
	}
	i = skipSpace(s, j)
	if i >= len(s) || s[i] != '}' {
		return false, i + 1, failMsg(fmt.Sprintf("missing } at end of condition inside \"%s\"", name))
	}
	i++
	// Exim runs the loop even when the answer is not wanted (and so
	// reports errors from it there too).
	isAny := strings.HasPrefix(name, "forany")
	savedItem, savedHas, savedTaint := e.item, e.hasItem, e.itemTaint
	defer func() { e.item, e.hasItem, e.itemTaint = savedItem, savedHas, savedTaint }()
	items, err := forItems(name, list)
	if err != nil {
		return false, i, err
	}
	// Exim starts from "not satisfied", so forall over an empty list is false.
	result := false
	for _, item := range items {
		e.item, e.hasItem, e.itemTaint = item, true, lt
		e.dbg.note(e.depth, "%s: $item = \"%s\"", name, item)
		r, j, err := e.cond(s, condStart, true)
		if err != nil {
			return false, j, failMsg(fmt.Sprintf("%s inside \"%s\" condition", err.Error(), name))
		}
		e.dbg.note(e.depth, "%s: condition evaluated to %v", name, r)
		result = r
		if r == isAny {
			break
		}
	}
	return result, i, nil
}

// forItems splits the list of a forall/forany condition: an Exim list,
// or a JSON array (whose string elements jsons unquotes).
func forItems(name, list string) ([]string, error) {
	if !strings.HasSuffix(name, "json") && !strings.HasSuffix(name, "jsons") {
		return lists.Split(list), nil
	}
	body, err := dewrap(list, "[]")
	if err != nil {
		return nil, err
	}
	var items []string
	for {
		item, ok := jsonNext(&body)
		if !ok {
			return items, nil
		}
		if strings.HasSuffix(name, "jsons") {
			if item, err = dewrap(item, `""`); err != nil {
				return nil, failMsg(err.Error() + " wrapping string result for extract jsons")
			}
		}
		items = append(items, item)
	}
}

// condBool handles bool{} and bool_lax{}.
func (e *expander) condBool(s string, i int, name string, eval bool) (bool, int, error) {
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return false, i, failMsg(fmt.Sprintf("missing { after \"%s\"", name))
	}
	fl := flags(0)
	if !eval {
		fl = skipping
	}
	args, j, err := e.readSubs(s, i, 1, 1, fl, false, name)
	if err != nil {
		if strings.HasPrefix(err.Error(), "Not enough") {
			return false, j, failMsg("too few arguments or bracketing error for " + name)
		}
		return false, j, err
	}
	t := strings.TrimFunc(args[0].s, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
	lax := name == "bool_lax"
	if t == "" {
		e.dbg.note(e.depth, "considering %s: <empty>", name)
	} else {
		e.dbg.note(e.depth, "considering %s: %s", name, t)
	}
	var v bool
	switch {
	case t == "":
		v = false
	case allDigits(strings.TrimPrefix(t, "-")):
		v = strings.Trim(t, "-0") != "" || (lax && len(t) > 1)
	case strings.EqualFold(t, "true") || strings.EqualFold(t, "yes"):
		v = true
	case strings.EqualFold(t, "false") || strings.EqualFold(t, "no"):
		v = false
	case lax:
		v = true
	default:
		return false, j, failMsg(fmt.Sprintf("unrecognised boolean value \"%s\"", t))
	}
	e.dbg.note(e.depth, "%s: condition evaluated to %v", name, v)
	return v, j, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// condListMatch handles match_domain, match_local_part, match_address
// and match_ip through package lists.
func (e *expander) condListMatch(name, subject, list string) (bool, error) {
	env := e.c.Lists
	var res lists.Result
	var err error
	switch name {
	case "match_domain":
		res, err = lists.MatchDomain(env, list, subject)
	case "match_local_part":
		res, err = lists.MatchLocalPart(env, list, subject, true)
	case "match_address":
		res, err = lists.MatchAddress(env, list, subject, true)
	case "match_ip":
		res, err = lists.MatchIP(env, list, subject)
	}
	if err != nil {
		if lists.IsDefer(err) {
			return false, &Error{Msg: fmt.Sprintf("unable to complete match against \"%s\": %s", list, err.Error()), Defer: true}
		}
		return false, errMsg(err)
	}
	if !res.Matched {
		return false, nil
	}
	if res.HasData {
		e.setValue(res.Data, false, true)
	}
	if len(res.Vars) > 0 {
		e.nums, e.numsTaint = res.Vars, true
	}
	return true, nil
}

// StringInteger is Exim's expanded_string_integer: a decimal number with
// an optional K, M or G suffix and surrounding white space.
func StringInteger(s string, nonNegative bool) (int64, error) {
	t := s
	if t != "" && isSpace(t[0]) {
		t = strings.TrimLeft(t, " \t\n\v\f\r")
		if t == "" {
			return 0, nil
		}
	}
	v, end, overflow := strtoll(t)
	if end == 0 {
		return 0, failMsg(fmt.Sprintf("integer expected but \"%s\" found", t))
	}
	if v < 0 && nonNegative {
		return 0, failMsg(fmt.Sprintf("non-negative integer expected but \"%s\" found", t))
	}
	if end < len(t) {
		mult := int64(0)
		switch t[end] | 0x20 {
		case 'k':
			mult = 1024
		case 'm':
			mult = 1024 * 1024
		case 'g':
			mult = 1024 * 1024 * 1024
		}
		if mult != 0 {
			if v > math.MaxInt64/mult || v < math.MinInt64/mult {
				overflow = true
			} else {
				v *= mult
			}
			end++
		}
	}
	if overflow {
		return 0, failMsg(fmt.Sprintf("absolute value of integer \"%s\" is too large (overflow)", t))
	}
	if strings.TrimLeft(t[end:], " \t\n\v\f\r") != "" {
		return 0, failMsg(fmt.Sprintf("invalid integer \"%s\"", t))
	}
	return v, nil
}

// strtoll is C's strtoll in base 10: it returns the value, the index
// after the number (0 when there is none) and whether it overflowed.
func strtoll(s string) (int64, int, bool) {
	i := skipSpace(s, 0)
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v uint64
	overflow := false
	for i < len(s) && isDigit(s[i]) {
		d := uint64(s[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			overflow = true
		} else {
			v = v*10 + d
		}
		i++
	}
	if i == start {
		return 0, 0, false
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	if overflow || v > limit {
		if neg {
			return math.MinInt64, i, true
		}
		return math.MaxInt64, i, true
	}
	if neg {
		return -int64(v), i, false
	}
	return int64(v), i, false
}

// newListIter walks an Exim list (default ':' separator, "<c" changes it).
func newListIter(list string) lists.Iter { return lists.NewIter(list) }
