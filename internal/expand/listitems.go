package expand

import (
	"fmt"
	"strings"

	"exigo/internal/expand/funcs"
	"exigo/internal/lists"
)

func itemExtract(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	saved := e.save()
	defer e.restoreNums(saved)
	i = skipSpace(s, i)
	format := ""
	if i < len(s) && s[i] != '{' && strings.HasPrefix(s[i:], "json") {
		format, i = "json", i+4
		if i < len(s) && s[i] == 's' {
			format, i = "jsons", i+1
		}
	}
	if fl&skipping != 0 {
		j, err := e.skipExtract(s, i)
		if err != nil {
			return j, err
		}
		e.setValue("", false, false)
		return e.yesNo(s, j, fl, false, saved, o, "extract")
	}
	var sub [3]arg
	fieldNumber, numbered := 1, false
	need := 2
	for k := 0; k < need; k++ {
		i = skipSpace(s, i)
		if i >= len(s) || s[i] != '{' {
			return i + 1, e.curly(fmt.Sprintf("missing '{' for arg %d of extract", k+1))
		}
		v, t, j, err := e.run(s, i+1, braceEnds|honorDollar|fl)
		if err != nil {
			return j, err
		}
		if j >= len(s) || s[j] != '}' {
			return j + 1, e.curly(fmt.Sprintf("missing '}' closing arg %d of extract", k+1))
		}
		i = j + 1
		sub[k] = arg{v, t}
		if k == 0 {
			p := trimSpaceC(v)
			sub[0].s = p
			if p == "" {
				return i, failMsg(`first argument of "extract" must not be empty`)
			}
			if n, ok := parseFieldNumber(p); ok {
				fieldNumber, numbered = n, true
				if format == "" {
					need = 3
				}
			}
		}
	}
	v, found, err := extractValue(format, numbered, fieldNumber, sub)
	if err != nil {
		return i, err
	}
	e.setValue(v, sub[need-1].t, found)
	return e.yesNo(s, i, fl, found, saved, o, "extract")
}

// skipExtract reads up to five braced strings (and "fail") when skipping.
func (e *expander) skipExtract(s string, i int) (int, error) {
	for k := 5; k > 0 && i < len(s) && s[i] == '{'; k-- {
		_, _, j, err := e.run(s, i+1, braceEnds|honorDollar|skipping)
		if err != nil {
			return j, err
		}
		if j >= len(s) || s[j] != '}' {
			return j + 1, e.curly("missing '{' for arg of extract")
		}
		i = skipSpace(s, j+1)
	}
	if strings.HasPrefix(s[i:], "fail") && (i+4 == len(s) || s[i+4] == '}' || s[i+4] == ' ' || s[i+4] == '\t') {
		i = skipSpace(s, i+4)
	}
	if i >= len(s) || s[i] != '}' {
		return i + 1, e.curly("missing '}' closing extract")
	}
	return i, nil
}

// parseFieldNumber: digits, optionally after a minus sign.
func parseFieldNumber(p string) (int, bool) {
	sign := 1
	if p[0] == '-' {
		sign, p = -1, p[1:]
	}
	x := int32(0)
	for k := 0; k < len(p); k++ {
		if !isDigit(p[k]) {
			return 0, false
		}
		x = x*10 + int32(p[k]-'0')
	}
	return sign * int(x), true
}

func trimSpaceC(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
}

func extractValue(format string, numbered bool, field int, sub [3]arg) (string, bool, error) {
	if format == "" {
		if numbered {
			v, ok := getTokened(field, sub[1].s, sub[2].s)
			return v, ok, nil
		}
		v, ok := getKeyed(sub[0].s, sub[1].s)
		return v, ok, nil
	}
	return extractJSON(format == "jsons", numbered, field, sub[0].s, sub[1].s)
}

// getTokened is Exim's expand_gettokened: field n of s split at any of
// the separator characters; 0 is the whole string, negative counts from
// the end.
func getTokened(field int, seps, s string) (string, bool) {
	if field == 0 {
		return s, true
	}
	var fields []string
	for {
		k := strings.IndexAny(s, seps)
		if seps == "" || k < 0 {
			fields = append(fields, s)
			break
		}
		fields = append(fields, s[:k])
		s = s[k+1:]
	}
	if field > 0 {
		if field > len(fields) {
			return "", false
		}
		return fields[field-1], true
	}
	if -field > len(fields) {
		return "", false
	}
	return fields[len(fields)+field], true
}

// getKeyed is Exim's expand_getkeyed: "key=value" pairs separated by
// white space, values optionally quoted; keys compare caselessly.
func getKeyed(key, s string) (string, bool) {
	i := skipSpace(s, 0)
	for i < len(s) {
		start := i
		for i < len(s) && s[i] != '=' && !isSpace(s[i]) {
			i++
		}
		dkey := s[start:i]
		i = skipSpace(s, i)
		if i < len(s) && s[i] == '=' {
			i = skipSpace(s, i+1)
		}
		data, j := dequote(s, i)
		i = j
		if strings.EqualFold(dkey, key) {
			return data, true
		}
		i = skipSpace(s, i)
	}
	return "", false
}

// dequote is Exim's string_dequote from s[i]: a quoted string with
// backslash escapes, or everything up to white space.
func dequote(s string, i int) (string, int) {
	item, rest := funcs.Dequote(s[i:])
	return item, len(s) - len(rest)
}

func itemListExtract(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	saved := e.save()
	defer e.restoreNums(saved)
	var sub [2]arg
	field := 1
	for k := 0; k < 2; k++ {
		i = skipSpace(s, i)
		if i >= len(s) || s[i] != '{' {
			return i + 1, e.curly(fmt.Sprintf("missing '{' for arg %d of listextract", k+1))
		}
		v, t, j, err := e.run(s, i+1, braceEnds|honorDollar|fl&skipping)
		if err != nil {
			return j, err
		}
		if j >= len(s) || s[j] != '}' {
			return j + 1, e.curly(fmt.Sprintf("missing '}' closing arg %d of listextract", k+1))
		}
		i = j + 1
		sub[k] = arg{v, t}
		if k == 0 {
			p := trimSpaceC(v)
			if p == "" && fl&skipping == 0 {
				return i, failMsg(`first argument of "listextract" must not be empty`)
			}
			n, ok := 0, true
			if p != "" {
				n, ok = parseFieldNumber(p)
			}
			if !ok {
				return i, failMsg(`first argument of "listextract" must be numeric`)
			}
			field = n
		}
	}
	found := false
	if fl&skipping == 0 {
		var v string
		v, found = listElement(field, sub[1].s)
		e.setValue(v, sub[1].t, found)
	} else {
		e.setValue("", false, false)
	}
	return e.yesNo(s, i, fl, found, saved, o, "listextract")
}

// listElement is the field'th item of list (negative from the end).
func listElement(field int, list string) (string, bool) {
	items := lists.Split(list)
	if field < 0 {
		field += len(items) + 1
	}
	if field <= 0 || field > len(items) {
		return "", false
	}
	return items[field-1], true
}

// appendListItem adds item to a list being built in o (from start on),
// doubling the separator inside it and putting a space before an item
// that is empty or starts with the separator, as Exim does.
func appendListItem(o *buf, start int, item string, sep byte, tainted bool) {
	if o.len() > start && (item == "" || item[0] == sep) {
		o.addByte(' ')
	}
	appendDoubled(o, item, sep)
	o.addByte(sep)
	if tainted {
		o.taint()
	}
}

// finishList drops the separator after the last item of a built list.
func finishList(o *buf, start int) {
	if o.len() > start {
		o.flatten()
		o.b = o.b[:len(o.b)-1]
	}
}
