package expand

import (
	"fmt"

	"exigo/internal/regex"
)

// itemMapFilter handles ${map}, ${filter} and ${reduce}.
func itemMapFilter(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	savedItem, savedHas, savedTaint := e.item, e.hasItem, e.itemTaint
	before := e.save()
	defer func() { e.item, e.hasItem, e.itemTaint = savedItem, savedHas, savedTaint }()
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return i + 1, e.curly("missing '{' for first arg of " + name)
	}
	list, lt, j, err := e.run(s, i+1, braceEnds|honorDollar|fl&skipping)
	if err != nil {
		return j, err
	}
	if j >= len(s) || s[j] != '}' {
		return j + 1, e.curly("missing '}' closing first arg of " + name)
	}
	i = j + 1
	if name == "reduce" {
		i = skipSpace(s, i)
		if i >= len(s) || s[i] != '{' {
			return i + 1, e.curly("missing '{' for second arg of reduce")
		}
		v, t, j, err := e.run(s, i+1, braceEnds|honorDollar|fl&skipping)
		if err != nil {
			return j, err
		}
		e.setValue(v, t, true)
		if j >= len(s) || s[j] != '}' {
			return j + 1, e.curly("missing '}' closing second arg of reduce")
		}
		i = j + 1
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return i + 1, e.curly("missing '{' for last arg of " + name)
	}
	expr := i + 1
	if name == "filter" {
		_, j, err = e.cond(s, expr, false)
	} else {
		_, _, j, err = e.run(s, expr, braceEnds|honorDollar|skipping)
	}
	if err != nil {
		return j, failMsg(fmt.Sprintf("%s inside \"%s\" item", err.Error(), name))
	}
	i = skipSpace(s, j)
	if i >= len(s) || s[i] != '}' {
		return i + 1, failMsg(fmt.Sprintf("missing } at end of condition or expression inside \"%s\"; could be an unquoted } in the content", name))
	}
	i = skipSpace(s, i+1)
	if i >= len(s) || s[i] != '}' {
		return i + 1, failMsg(fmt.Sprintf("missing } at end of \"%s\"", name))
	}
	i++
	if fl&skipping != 0 {
		return i, nil
	}
	err = e.iterate(s, expr, name, list, lt, o)
	if name == "reduce" {
		if err == nil {
			o.add(e.value, e.valueTaint)
		}
		e.restoreValue(before)
	}
	return i, err
}

// iterate runs the map, filter or reduce body over each list item.
func (e *expander) iterate(s string, expr int, name, list string, lt bool, o *buf) error {
	start := o.len()
	it := newListIter(list)
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		e.item, e.hasItem, e.itemTaint = item, true, lt
		e.dbg.note(e.depth, "%s: $item = '%s'  $value = '%s'", name, item, orNull(e.value, e.hasValue))
		switch name {
		case "filter":
			saved := e.save()
			r, _, err := e.cond(s, expr, true)
			e.restoreValue(saved)
			if err == nil {
				e.dbg.note(e.depth, "filter: condition is %v", r)
			}
			if err != nil {
				finishList(o, start)
				return failMsg(fmt.Sprintf("%s inside \"%s\" condition", err.Error(), name))
			}
			if r {
				appendListItem(o, start, item, it.Sep(), lt)
			}
		default:
			v, t, _, err := e.run(s, expr, braceEnds|honorDollar)
			if err != nil {
				return failMsg(fmt.Sprintf("%s inside \"%s\" item", err.Error(), name))
			}
			if name == "reduce" {
				e.setValue(v, t, true)
				continue
			}
			appendListItem(o, start, v, it.Sep(), t)
		}
	}
	if name != "reduce" {
		finishList(o, start)
	}
	return nil
}

// sortComparators are the conditions ${sort} accepts.
var sortComparators = map[string]bool{
	"<": true, "<=": true, ">": true, ">=": true,
	"ge": true, "gei": true, "gt": true, "gti": true, "le": true, "lei": true, "lt": true, "lti": true,
}

func itemSort(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return i + 1, e.curly("missing '{' for list arg of sort")
	}
	list, lt, j, err := e.run(s, i+1, braceEnds|honorDollar|fl&skipping)
	if err != nil {
		return j, err
	}
	if j >= len(s) || s[j] != '}' {
		return j + 1, e.curly("missing '}' closing list arg of sort")
	}
	i = skipSpace(s, j+1)
	if i >= len(s) || s[i] != '{' {
		return i + 1, e.curly("missing '{' for comparator arg of sort")
	}
	cmp, _, j, err := e.run(s, i+1, braceEnds|fl&skipping)
	if err != nil {
		return j, err
	}
	if j >= len(s) || s[j] != '}' {
		return j + 1, e.curly("missing '}' closing comparator arg of sort")
	}
	i = j + 1
	op, _ := condName(cmp, 0)
	if op == "" {
		rest := cmp
		if len(rest) > 16 {
			rest = rest[:16]
		}
		return i, failMsg(fmt.Sprintf("condition name expected, but found \"%s\"", rest))
	}
	if !sortComparators[op] {
		if !twoArgConds[op] && !knownCondNames[op] {
			return i, failMsg("")
		}
		return i, failMsg("comparator not handled for sort")
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return i + 1, e.curly("missing '{' for extractor arg of sort")
	}
	_, _, j, err = e.run(s, i+1, braceEnds|honorDollar|skipping)
	if err != nil {
		return j, err
	}
	xtract := s[i+1 : j]
	if j >= len(s) || s[j] != '}' {
		return j + 1, e.curly("missing '}' closing extractor arg of sort")
	}
	i = j + 1
	if i >= len(s) || s[i] != '}' {
		return i + 1, failMsg(`missing } at end of "sort"`)
	}
	i++
	if fl&skipping != 0 {
		return i, nil
	}
	return i, e.sortList(list, lt, op, xtract, o)
}

var knownCondNames = map[string]bool{
	"acl": true, "and": true, "bool": true, "bool_lax": true, "def": true, "exists": true,
	"first_delivery": true, "forall": true, "forall_json": true, "forall_jsons": true,
	"forany": true, "forany_json": true, "forany_jsons": true, "isip": true, "isip4": true,
	"isip6": true, "ldapauth": true, "or": true, "pam": true, "pwcheck": true,
	"queue_running": true, "radius": true, "saslauthd": true,
}

type sortEntry struct{ item, key string }

// sortList is Exim's insertion sort: each item goes before the first
// sorted item it sorts before.
func (e *expander) sortList(list string, lt bool, op, xtract string, o *buf) error {
	savedItem, savedHas, savedTaint := e.item, e.hasItem, e.itemTaint
	defer func() { e.item, e.hasItem, e.itemTaint = savedItem, savedHas, savedTaint }()
	var sorted []sortEntry
	it := newListIter(list)
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		e.item, e.hasItem, e.itemTaint = item, true, lt
		e.dbg.note(e.depth, "sort: $item = \"%s\"", item)
		key, _, _, err := e.run(xtract, 0, honorDollar)
		if err != nil || key == "" {
			return failMsg(fmt.Sprintf("field-extract in sort: \"%s\"", xtract))
		}
		pos := len(sorted)
		for k, d := range sorted {
			if sortsBefore(op, key, d.key) {
				pos = k
				break
			}
		}
		sorted = append(sorted, sortEntry{})
		copy(sorted[pos+1:], sorted[pos:])
		sorted[pos] = sortEntry{item, key}
		if e.dbg != nil {
			e.dbg.note(e.depth, "sort: dstlist = \"%s\"", joinSorted(sorted, it.Sep(), false))
			e.dbg.note(e.depth, "sort: dstkeylist = \"%s\"", joinSorted(sorted, it.Sep(), true))
		}
	}
	start := o.len()
	for _, d := range sorted {
		if o.len() > start {
			o.addByte(it.Sep())
		}
		appendDoubled(o, d.item, it.Sep())
	}
	if len(sorted) > 0 && lt {
		o.taint()
	}
	return nil
}

// joinSorted renders the items (or keys) for the debug trace.
func joinSorted(sorted []sortEntry, sep byte, keys bool) string {
	var o buf
	for k, d := range sorted {
		if k > 0 {
			o.addByte(sep)
		}
		if keys {
			appendDoubled(&o, d.key, sep)
		} else {
			appendDoubled(&o, d.item, sep)
		}
	}
	return o.String()
}

func appendDoubled(o *buf, item string, sep byte) {
	o.flatten()
	for k := 0; k < len(item); k++ {
		o.b = append(o.b, item[k])
		if item[k] == sep {
			o.b = append(o.b, sep)
		}
	}
}

func sortsBefore(op, l, r string) bool {
	if !isAlpha(op[0]) {
		ln, err := StringInteger(l, false)
		if err != nil {
			return false
		}
		rn, err := StringInteger(r, false)
		if err != nil {
			return false
		}
		switch op {
		case ">":
			return ln > rn
		case ">=":
			return ln >= rn
		case "<":
			return ln < rn
		case "<=":
			return ln <= rn
		}
		return false
	}
	c := 0
	if op[len(op)-1] == 'i' {
		c = cmpCaseless(l, r)
	} else if l < r {
		c = -1
	} else if l > r {
		c = 1
	}
	switch op[:2] {
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	}
	return false
}

func itemSg(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	saved := e.save()
	defer e.restoreNums(saved)
	// Exim 4.96 does the work even when skipping, so errors show there too.
	args, j, err := e.readSubs(s, i, 3, 3, fl, true, name)
	if err != nil {
		return j, err
	}
	re, err := regex.Compile(args[1].s)
	if err != nil {
		return j, errMsg(err)
	}
	subject, repl := args[0], args[2]
	at := 0
	for _, m := range re.FindAllStringSubmatchIndex(subject.s, -1) {
		nums := make([]string, len(m)/2)
		for k := range nums {
			if m[2*k] >= 0 {
				nums[k] = subject.s[m[2*k]:m[2*k+1]]
			}
		}
		e.nums, e.numsTaint = nums, subject.t
		e.dbg.note(e.depth, "sg: match")
		o.add(subject.s[at:m[0]], subject.t)
		v, t, err := e.expandString(repl)
		if err != nil {
			return j, err
		}
		o.add(v, t)
		at = m[1]
	}
	o.add(subject.s[at:], subject.t)
	return j, nil
}

// expandString is a nested top-level expansion (Exim's expand_string
// called from inside an item): tainted text is refused.
func (e *expander) expandString(a arg) (string, bool, error) {
	if !hasExpansionChars(a.s) {
		return a.s, a.t, nil
	}
	if a.t {
		e.c.log("attempt to expand tainted string '%s'", a.s)
		return "", false, failMsg(fmt.Sprintf("attempt to expand tainted string '%s'", a.s))
	}
	v, t, _, err := e.run(a.s, 0, honorDollar)
	return v, t, err
}

func hasExpansionChars(s string) bool {
	for k := 0; k < len(s); k++ {
		if s[k] == '$' || s[k] == '\\' {
			return true
		}
	}
	return false
}
