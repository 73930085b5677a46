package expand

import (
	"fmt"
	"strings"

	"exigo/internal/expand/funcs"
)

// flags steer one pass of the expansion loop (Exim's ESI_* flags).
type flags uint8

const (
	braceEnds   flags = 1 << iota // stop at an unbalanced '}'
	honorDollar                   // '$' introduces expansions
	skipping                      // syntax check only: the value is not used
)

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 1000

// expander is the state of one top-level expansion: the variables that
// items set while they run ($value, $item, $0.., $runrc, $prvscheck_*).
type expander struct {
	c *Context

	nums      []string // $0, $1, ...; nil when no match is active
	numsTaint bool

	value      string // $value (Exim's lookup_value)
	hasValue   bool
	valueTaint bool

	item      string // $item
	hasItem   bool
	itemTaint bool

	runrc    int
	runrcSet bool

	prvsAddress, prvsKeynum, prvsResult string
	prvsActive                          bool

	malformedHeader bool
	depth           int
	dbg             *tracer
}

// buf accumulates an expansion result and its taint.
// A result made of one piece (a variable's value, one literal run) is
// kept as that string, so the common cases copy nothing.
type buf struct {
	b       []byte
	one     string // the only piece so far, when hasOne
	hasOne  bool
	tainted bool
}

func (o *buf) add(s string, tainted bool) {
	if tainted {
		o.tainted = true
	}
	switch {
	case s == "":
	case !o.hasOne && len(o.b) == 0:
		o.one, o.hasOne = s, true
	default:
		o.flatten()
		o.b = append(o.b, s...)
	}
}

// flatten moves a single kept piece into b before b is changed directly.
func (o *buf) flatten() {
	if o.hasOne {
		o.b = append(o.b, o.one...)
		o.one, o.hasOne = "", false
	}
}

func (o *buf) addByte(c byte) {
	o.flatten()
	o.b = append(o.b, c)
}

func (o *buf) len() int {
	if o.hasOne {
		return len(o.one)
	}
	return len(o.b)
}

func (o *buf) String() string {
	if o.hasOne {
		return o.one
	}
	return string(o.b)
}

// savedVars is what items such as ${if} restore when they finish.
type savedVars struct {
	nums       []string
	numsTaint  bool
	value      string
	hasValue   bool
	valueTaint bool
}

func (e *expander) save() savedVars {
	return savedVars{e.nums, e.numsTaint, e.value, e.hasValue, e.valueTaint}
}

func (e *expander) restoreNums(s savedVars) { e.nums, e.numsTaint = s.nums, s.numsTaint }

func (e *expander) restoreValue(s savedVars) {
	e.value, e.hasValue, e.valueTaint = s.value, s.hasValue, s.valueTaint
}

func (e *expander) setValue(v string, tainted, ok bool) {
	e.value, e.hasValue, e.valueTaint = v, ok, tainted && ok
}

// run expands s from index i. It stops at the end of s or, with
// braceEnds, at the first unbalanced '}', and returns the index where it
// stopped; on failure that index is still meaningful (Exim uses it after
// a forced failure).
func (e *expander) run(s string, i int, fl flags) (string, bool, int, error) {
	var o buf
	end, err := e.runInto(s, i, fl, &o)
	if err != nil {
		return "", false, end, err
	}
	// Exim's results are C strings: a NUL (from \0 or \x) ends them.
	v := o.String()
	if k := strings.IndexByte(v, 0); k >= 0 {
		v = v[:k]
	}
	return v, o.tainted, end, nil
}

func (e *expander) runInto(s string, i int, fl flags, o *buf) (int, error) {
	e.depth++
	defer func() { e.depth-- }()
	start := i
	end, err := e.loop(s, i, fl, o)
	if err != nil {
		e.dbg.failed(e.depth, s[start:], err)
		return end, err
	}
	e.dbg.result(e.depth, s[start:end], o.String(), fl)
	return end, nil
}

// loop is the body of runInto: it consumes text, escapes and $ expansions.
func (e *expander) loop(s string, i int, fl flags, o *buf) (int, error) {
	if e.depth > maxDepth {
		return i, failMsg("expansion nested too deeply")
	}
	for first := true; i < len(s); first = false {
		e.dbg.considering(e.depth, first, s[i:], fl)
		c := s[i]
		if c == '\\' {
			n, err := e.escape(s, i, o)
			if err != nil {
				return i, err
			}
			i = n
			continue
		}
		if fl&braceEnds != 0 && c == '}' {
			break
		}
		if c != '$' || fl&honorDollar == 0 {
			j := i + 1
			for j < len(s) && s[j] != '$' && s[j] != '}' && s[j] != '\\' {
				j++
			}
			e.dbg.interim(e.depth, "text", s[i:j])
			o.add(s[i:j], false)
			i = j
			continue
		}
		n, err := e.dollar(s, i+1, fl, o)
		if err != nil {
			return n, err
		}
		i = n
	}
	if fl&braceEnds != 0 && i >= len(s) {
		msg := "missing } at end of string"
		if e.malformedHeader {
			msg += " - could be header name not terminated by colon"
		}
		return i, failMsg(msg)
	}
	return i, nil
}

// escape handles a backslash at s[i]: \N...\N copies text verbatim, any
// other escape is Exim's string_interpret_escape.
func (e *expander) escape(s string, i int, o *buf) (int, error) {
	if i+1 >= len(s) {
		return i, failMsg(`\ at end of string`)
	}
	if s[i+1] == 'N' {
		rest := s[i+2:]
		j := strings.Index(rest, `\N`)
		if j < 0 {
			e.dbg.interim(e.depth, "protected", rest)
			o.add(rest, false)
			return len(s), nil
		}
		e.dbg.interim(e.depth, "protected", rest[:j])
		o.add(rest[:j], false)
		return i + 2 + j + 2, nil
	}
	e.dbg.backslashed(e.depth, s[i+1])
	ch, n := interpretEscape(s, i)
	o.addByte(ch)
	return n, nil
}

// interpretEscape decodes the escape starting with the backslash at
// s[i]; it returns the byte and the index after the escape.
func interpretEscape(s string, i int) (byte, int) {
	c, n := funcs.InterpretEscape(s[i+1:])
	return c, i + 1 + n
}

// dollar handles what follows a '$' at s[i-1].
func (e *expander) dollar(s string, i int, fl flags, o *buf) (int, error) {
	if i < len(s) && isAlpha(s[i]) {
		return e.plainVar(s, i, fl, o)
	}
	if i < len(s) && isDigit(s[i]) {
		n, j := readNumber(s, i)
		e.addNumeric(n, o, fl)
		return j, nil
	}
	if i >= len(s) || s[i] != '{' {
		return i, failMsg("$ not followed by letter, digit, or {")
	}
	i++
	if i < len(s) && isDigit(s[i]) {
		n, j := readNumber(s, i)
		if j >= len(s) || s[j] != '}' {
			return j + 1, failMsg("} expected after number")
		}
		e.addNumeric(n, o, fl)
		return j + 1, nil
	}
	if i >= len(s) || !isAlpha(s[i]) {
		return i, failMsg("letter or digit expected after ${")
	}
	name, j := readName(s, i, "_-")
	return e.braced(s, j, name, fl, o)
}

func (e *expander) addNumeric(n int, o *buf, fl flags) {
	if n >= 0 && n < len(e.nums) {
		o.add(e.nums[n], e.numsTaint)
	}
}

// plainVar is $name or $header_name: (no braces).
func (e *expander) plainVar(s string, i int, fl flags, o *buf) (int, error) {
	name, j := readName(s, i, "_")
	if isHeaderVarName(name) {
		hname, k := readHeaderName(name, s, j)
		v, t, found := e.header(name, hname)
		if !found {
			if strings.IndexByte(hname, '}') >= 0 {
				e.malformedHeader = true
			}
			return k, nil
		}
		o.add(v, t)
		return k, nil
	}
	v, t, ok := e.lookupVar(name, fl&skipping != 0)
	if !ok {
		return j, failMsg(fmt.Sprintf("unknown variable name \"%s\"", name) + varHint(name))
	}
	o.add(v, t)
	return j, nil
}

// braced handles ${name...}: an item, an operator or a variable.
func (e *expander) braced(s string, i int, name string, fl flags, o *buf) (int, error) {
	if fn := findItem(name); fn != nil {
		start := o.len()
		n, err := fn(e, s, i, fl, o, name)
		// Exim shows an item's result unless it is the whole string; ${if}
		// shows it even while skipping.
		if err == nil && e.dbg != nil && (fl&skipping == 0 || name == "if") && (start > 0 || n < len(s)) {
			e.dbg.interim(e.depth, "item-res", o.String()[start:])
		}
		return n, err
	}
	if i < len(s) && s[i] == ':' {
		return e.operator(s, i, name, fl, o)
	}
	if i < len(s) && s[i] == '}' {
		v, t, ok := e.lookupVar(name, fl&skipping != 0)
		if !ok {
			return i + 1, failMsg(fmt.Sprintf("unknown variable in \"${%s}\"", name) + varHint(name))
		}
		o.add(v, t)
		return i + 1, nil
	}
	return i + 1, failMsg(fmt.Sprintf("\"${%s\" is not a known operator (or a } is missing in a variable reference)", name))
}

// varHint is Exim's extra text for unknown names that look like ACL variables.
func varHint(name string) string {
	if !strings.HasPrefix(name, "acl_") {
		return ""
	}
	if len(name) > 4 && (name[4] == 'c' || name[4] == 'm') {
		if len(name) > 5 && isAlpha(name[5]) {
			return " (6th character of a user-defined ACL variable must be a digit or underscore)"
		}
		return " (strict_acl_vars is set)"
	}
	return " (user-defined ACL variables must start acl_c or acl_m)"
}

// sub expands one braced argument whose '{' is at s[i]; it returns the
// index after the closing '}'.
func (e *expander) sub(s string, i int, fl flags) (string, bool, int, error) {
	v, t, j, err := e.run(s, i+1, braceEnds|honorDollar|fl&skipping)
	if err != nil {
		return "", false, j, err
	}
	return v, t, j + 1, nil
}

// arg is one expanded argument with its taint.
type arg struct {
	s string
	t bool
}

// readSubs is Exim's read_subs: up to n braced arguments, at least m,
// then (with checkEnd) the closing '}'. Missing optional arguments are
// simply absent from the result.
func (e *expander) readSubs(s string, i, n, m int, fl flags, checkEnd bool, name string) ([]arg, int, error) {
	i = skipSpace(s, i)
	var args []arg
	for k := 0; k < n; k++ {
		if i >= len(s) || s[i] != '{' {
			if k < m {
				return nil, i, failMsg(fmt.Sprintf("Not enough arguments for '%s' (min is %d)", name, m))
			}
			break
		}
		v, t, j, err := e.sub(s, i, fl)
		if err != nil {
			return nil, j, err
		}
		args = append(args, arg{v, t})
		i = skipSpace(s, j)
	}
	if checkEnd {
		if i >= len(s) || s[i] != '}' {
			if i < len(s) && s[i] == '{' {
				return nil, i + 1, failMsg(fmt.Sprintf("Too many arguments for '%s' (max is %d)", name, n))
			}
			return nil, i + 1, failMsg(fmt.Sprintf("missing '}' after '%s'", name))
		}
		i++
	}
	return args, i, nil
}

// curly is Exim's EXPAND_FAILED_CURLY: keep a message already set.
func (e *expander) curly(msg string) *Error {
	if e.malformedHeader {
		return failMsg("missing or misplaced { or } - could be header name not terminated by colon")
	}
	if msg == "" {
		msg = "missing or misplaced { or }"
	}
	return failMsg(msg)
}

// yesNo is Exim's process_yesno: the optional {yes}{no} strings (or
// "fail") after ${if}, ${lookup}, ${extract} and friends. saved is the
// $value to restore before the "no" string.
func (e *expander) yesNo(s string, i int, fl flags, yes bool, saved savedVars, o *buf, kind string) (int, error) {
	skip := fl & skipping
	i = skipSpace(s, i)
	if i < len(s) && s[i] == '}' {
		if kind == "if" {
			if yes && skip == 0 {
				o.add("true", false)
			}
		} else {
			if yes && e.hasValue && skip == 0 {
				o.add(e.value, e.valueTaint)
			}
			e.restoreValue(saved)
		}
		return i + 1, nil
	}
	if i >= len(s) || s[i] != '{' {
		return e.yesNoCurly(s, i, "'yes' part did not start with '{'")
	}
	yesFl := braceEnds | honorDollar | skip
	if !yes {
		yesFl |= skipping
	}
	v1, t1, j, err := e.run(s, i+1, yesFl)
	if err != nil && (yes || !IsForcedFail(err)) {
		return j, err
	}
	i = j
	if i >= len(s) || s[i] != '}' {
		return e.yesNoCurly(s, i, "'yes' part did not end with '}'")
	}
	i++
	if yes {
		o.add(v1, t1)
	}
	e.restoreValue(saved)
	i = skipSpace(s, i)
	if i < len(s) && s[i] == '{' {
		noFl := braceEnds | honorDollar | skip
		if yes {
			noFl |= skipping
		}
		v2, t2, j, err := e.run(s, i+1, noFl)
		if err != nil && (!yes || !IsForcedFail(err)) {
			return j, err
		}
		i = j
		if i >= len(s) || s[i] != '}' {
			return e.yesNoCurly(s, i, "'no' part did not start with '{'")
		}
		i++
		if !yes {
			o.add(v2, t2)
		}
	} else if i < len(s) && s[i] != '}' {
		word, j := readName(s, i, "_")
		i = j
		if word != "fail" {
			return i, failMsg(fmt.Sprintf("syntax error in \"%s\" item - \"fail\" expected", kind))
		}
		if !yes && skip == 0 {
			i = skipSpace(s, i)
			if i >= len(s) || s[i] != '}' {
				return e.yesNoCurly(s, i, "did not close with '}' after forcedfail")
			}
			return i + 1, &Error{Msg: fmt.Sprintf("\"%s\" failed and \"fail\" requested", kind), Forced: true}
		}
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '}' {
		return e.yesNoCurly(s, i, "did not close with '}'")
	}
	return i + 1, nil
}

// yesNoCurly builds the bracketing error; i is the offending character,
// from which Exim prints the rest of the string.
func (e *expander) yesNoCurly(s string, i int, where string) (int, error) {
	rest := ""
	if i < len(s) {
		rest = s[i:]
	}
	msg := "curly-bracket problem in conditional yes/no parsing: " + where + "\n remaining string is '" + rest + "'"
	return i, e.curly(msg)
}

// maxName is the longest name Exim keeps (its buffers hold 256 bytes);
// longer names are cut silently.
const maxName = 255

// readName reads letters, digits and the extra characters.
func readName(s string, i int, extra string) (string, int) {
	j := i
	for j < len(s) && (isAlnum(s[j]) || strings.IndexByte(extra, s[j]) >= 0) {
		j++
	}
	if j-i > maxName {
		return s[i : i+maxName], j
	}
	return s[i:j], j
}

// readNumber reads decimal digits as a C int would (wrapping).
func readNumber(s string, i int) (int, int) {
	var n int32
	for i < len(s) && isDigit(s[i]) {
		n = n*10 + int32(s[i]-'0')
		i++
	}
	return int(n), i
}

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
func isGraph(c byte) bool { return c > ' ' && c < 0x7f }

// taint marks the result tainted.
func (o *buf) taint() { o.add("", true) }
