package expand

import (
	"fmt"
	"strconv"
	"strings"

	"exigo/internal/expand/funcs"
	"exigo/internal/lists"
	"exigo/internal/lookup"
)

// opFunc computes an operator; arg is the text after the first '_' in
// the operator's name (for example "4" in ${length_4:...}).
type opFunc func(e *expander, name, arg string, sub arg) (string, bool, error)

// underscoreOps are the operators whose names contain '_' themselves.
var underscoreOps = map[string]bool{
	"from_utf8": true, "local_part": true, "quote_local_part": true,
	"reverse_ip": true, "time_eval": true, "time_interval": true,
	"utf8_domain_from_alabel": true, "utf8_domain_to_alabel": true,
	"utf8_localpart_from_alabel": true, "utf8_localpart_to_alabel": true,
}

// builtinOps is filled by init functions in several files.
var builtinOps = map[string]opFunc{}

func init() {
	for name, fn := range map[string]opFunc{
		"lc": opLc, "uc": opUc, "strlen": opStrlen, "listcount": opListcount,
		"md5": opDigest, "sha1": opDigest, "sha2": opDigest, "sha256": opDigest, "sha3": opDigest,
		"base64": opBase64, "str2b64": opBase64, "base64d": opErr(funcs.Base64Decode, true),
		"base62": opErr(funcs.Base62, false), "base62d": opErr(funcs.Base62Decode, false),
		"base32": opErr(funcs.Base32, false), "base32d": opErr(funcs.Base32Decode, false),
		"hex2b64": opErr(funcs.Hex2B64, false), "hexquote": opPlain(funcs.HexQuote),
		"quote": opQuote, "rxquote": opPlain(funcs.RxQuote), "escape": opEscape,
		"escape8bit": opPlain(funcs.Escape8bit), "eval": opEval, "eval10": opEval,
		"mask": opMask, "ipv6norm": opErr(funcs.IPv6Norm, false),
		"ipv6denorm": opErr(funcs.IPv6Denorm, false), "reverse_ip": opErr(funcs.ReverseIP, false),
		"time_eval": opErr(funcs.TimeEval, false), "time_interval": opErr(funcs.TimeInterval, false),
		"from_utf8": opPlain(funcs.FromUTF8), "utf8clean": opPlain(funcs.UTF8Clean),
		"expand": opExpand, "listnamed": opListnamed,
		"l": opSubstr, "length": opSubstr, "s": opSubstr, "substr": opSubstr,
		"h": opSubstr, "hash": opSubstr, "nh": opSubstr, "nhash": opSubstr,
		"randint":               opRandint,
		"utf8_domain_to_alabel": opIdentity, "utf8_domain_from_alabel": opIdentity,
		"utf8_localpart_to_alabel": opIdentity, "utf8_localpart_from_alabel": opIdentity,
	} {
		builtinOps[name] = fn
	}
}

// findOperator resolves an operator name (registered names first).
func findOperator(name string) (opFunc, string, bool) {
	if fn, ok := opRegistry[name]; ok {
		return func(e *expander, _, _ string, sub arg) (string, bool, error) {
			v, err := fn(e.c, sub.s)
			return v, sub.t, err
		}, "", true
	}
	if underscoreOps[name] {
		fn, ok := builtinOps[name]
		return fn, "", ok
	}
	base, argText, _ := strings.Cut(name, "_")
	fn, ok := builtinOps[base]
	if !ok || underscoreOps[base] {
		return nil, "", false
	}
	return fn, argText, true
}

// operator handles ${name:string}; s[i] is the ':'.
func (e *expander) operator(s string, i int, name string, fl flags, o *buf) (int, error) {
	v, t, j, err := e.run(s, i+1, braceEnds|honorDollar|fl&skipping)
	if err != nil {
		return j, err
	}
	j++
	fn, argText, known := findOperator(name)
	if fl&skipping != 0 && known {
		return j, nil
	}
	if !known {
		return j, failMsg(fmt.Sprintf("unknown expansion operator \"%s\"", name))
	}
	// The "quote" family also names lookup types: ${quote_lsearch:...}.
	if strings.HasPrefix(name, "quote_") && !underscoreOps[name] {
		fn = opQuote
	}
	r, rt, err := fn(e, name, argText, arg{v, t})
	if err != nil {
		return j, errMsg(err)
	}
	e.dbg.interim(e.depth, "op-res", r)
	o.add(r, rt)
	return j, nil
}

func opPlain(f func(string) string) opFunc {
	return func(_ *expander, _, _ string, sub arg) (string, bool, error) { return f(sub.s), sub.t, nil }
}

// opErr wraps a function that can fail; keepTaint tells whether the
// result carries the argument's taint (Exim builds some results in
// fresh untainted buffers).
func opErr(f func(string) (string, error), keepTaint bool) opFunc {
	return func(_ *expander, _, _ string, sub arg) (string, bool, error) {
		v, err := f(sub.s)
		return v, keepTaint && sub.t, err
	}
}

func opIdentity(_ *expander, _, _ string, sub arg) (string, bool, error) { return sub.s, sub.t, nil }

func opLc(_ *expander, _, _ string, sub arg) (string, bool, error) {
	return mapASCII(sub.s, 'A', 'Z', 32), sub.t, nil
}

func opUc(_ *expander, _, _ string, sub arg) (string, bool, error) {
	return mapASCII(sub.s, 'a', 'z', -32), sub.t, nil
}

// mapASCII shifts bytes in [lo,hi] by delta (C's tolower/toupper).
func mapASCII(s string, lo, hi byte, delta int) string {
	k := 0
	for k < len(s) && (s[k] < lo || s[k] > hi) {
		k++
	}
	if k == len(s) {
		return s
	}
	b := []byte(s)
	for ; k < len(b); k++ {
		if b[k] >= lo && b[k] <= hi {
			b[k] = byte(int(b[k]) + delta)
		}
	}
	return string(b)
}

func opStrlen(_ *expander, _, _ string, sub arg) (string, bool, error) {
	return strconv.Itoa(len(sub.s)), false, nil
}

func opListcount(_ *expander, _, _ string, sub arg) (string, bool, error) {
	n := 0
	it := lists.NewIter(sub.s)
	for _, ok := it.Next(); ok; _, ok = it.Next() {
		n++
	}
	return strconv.Itoa(n), false, nil
}

func opDigest(_ *expander, name, _ string, sub arg) (string, bool, error) {
	v, err := funcs.Digest(name, sub.s)
	return v, false, err
}

func opBase64(_ *expander, _, _ string, sub arg) (string, bool, error) {
	return funcs.Base64(sub.s), sub.t, nil
}

func opEval(_ *expander, name, _ string, sub arg) (string, bool, error) {
	v, err := funcs.Eval(sub.s, name == "eval10")
	return v, false, err
}

func opMask(_ *expander, _, argText string, sub arg) (string, bool, error) {
	v, err := funcs.MaskWith(sub.s, strings.HasPrefix(argText, "n"))
	return v, false, err
}

func opExpand(e *expander, _, _ string, sub arg) (string, bool, error) {
	var v string
	var t bool
	err := error(nil)
	if sub.t {
		e.c.log("attempt to expand tainted string '%s'", sub.s)
		err = failMsg(fmt.Sprintf("attempt to expand tainted string '%s'", sub.s))
	} else {
		v, t, _, err = e.run(sub.s, 0, honorDollar)
	}
	if err != nil {
		return "", false, failMsg(fmt.Sprintf("internal expansion of \"%s\" failed: %s", sub.s, err.Error()))
	}
	return v, t, nil
}

func opSubstr(_ *expander, name, argText string, sub arg) (string, bool, error) {
	if argText == "" && !strings.Contains(name, "_") {
		return "", false, failMsg(fmt.Sprintf("missing values after %s", name))
	}
	base, _, _ := strings.Cut(name, "_")
	value1, value2, err := substrArgs(base, name, argText)
	if err != nil {
		return "", false, err
	}
	v, err := substrFamily(base, sub.s, value1, value2)
	if base == "nh" || base == "nhash" {
		return v, false, err
	}
	return v, sub.t, err
}

// substrArgs reads "n" or "m_n" after the operator name as Exim does.
func substrArgs(base, name, a string) (int, int, error) {
	sign, value1, value2 := 1, int32(0), int32(-1)
	pn := &value1
	if base == "l" || base == "length" {
		value2, pn = 0, &value2
	} else if base[0] == 's' && strings.HasPrefix(a, "-") {
		sign, a = -1, a[1:]
	}
	// Exim's loop: an underscore switches to the second number and is
	// skipped only when something follows it.
	for k := 0; k < len(a); {
		switch {
		case k > 0 && a[k] == '_' && pn == &value1:
			value2, pn = 0, &value2
			if k+1 < len(a) {
				k++
			}
		case !isDigit(a[k]):
			return 0, 0, failMsg(fmt.Sprintf("non-digit after underscore in \"%s\"", name))
		default:
			*pn = *pn*10 + int32(a[k]-'0')
			k++
		}
	}
	return sign * int(value1), int(value2), nil
}

func opQuote(_ *expander, name, argText string, sub arg) (string, bool, error) {
	if argText == "" {
		return funcs.Quote(sub.s), sub.t, nil
	}
	typ, opt, _ := strings.Cut(argText, "_")
	if _, ok := lookup.Get(typ); !ok {
		return "", false, failMsg(fmt.Sprintf("unknown lookup type \"%s\"", typ))
	}
	if opt != "" {
		return "", false, failMsg(fmt.Sprintf("\"%s\" unrecognized after \"${quote_%s\"", opt, typ))
	}
	return sub.s, sub.t, nil
}

// opEscape is ${escape:}; the main option print_topbitchars (read through
// Vars) leaves bytes with the top bit set alone, as in Exim.
func opEscape(e *expander, _, _ string, sub arg) (string, bool, error) {
	if e.c.Vars != nil {
		if v, _, ok := e.c.Vars.Var("print_topbitchars"); ok && v == "true" {
			return funcs.EscapeTopBit(sub.s), sub.t, nil
		}
	}
	return funcs.Escape(sub.s), sub.t, nil
}
