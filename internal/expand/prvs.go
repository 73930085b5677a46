package expand

import (
	"strings"

	"exigo/internal/expand/funcs"
)

func itemPrvs(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	args, j, err := e.readSubs(s, i, 3, 2, fl, true, name)
	if err != nil || fl&skipping != 0 {
		return j, err
	}
	addr := args[0].s
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return j, failMsg("prvs first argument must be a qualified email address")
	}
	keynum := "0"
	if len(args) > 2 {
		if k := args[2].s; len(k) != 1 || !isDigit(k[0]) {
			return j, failMsg("prvs third argument must be a single digit")
		}
		keynum = args[2].s
	}
	day := funcs.PRVSDay(now(), 7)
	hash := funcs.PRVSHash(addr, args[1].s, keynum, day)
	if hash == "" {
		return j, failMsg("prvs hmac-sha1 conversion failed")
	}
	o.add("prvs="+keynum+day+hash+"="+addr[:at]+"@"+addr[at+1:], args[0].t)
	return j, nil
}

func itemPrvscheck(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	e.prvsActive = true
	e.prvsAddress, e.prvsKeynum, e.prvsResult = "", "", ""
	args, j, err := e.readSubs(s, i, 1, 1, fl, false, name)
	if err != nil {
		return j, err
	}
	original, keynum, day, hash, ok := funcs.ParsePRVS(args[0].s)
	if !ok {
		_, j, err = e.readSubs(s, j, 2, 1, fl, true, name)
		return j, err
	}
	at := strings.LastIndexByte(original, '@')
	e.nums = []string{args[0].s, keynum, day, hash, original[:at], original[at+1:]}
	e.numsTaint = args[0].t
	e.prvsAddress, e.prvsKeynum = original, keynum
	keyArgs, j, err := e.readSubs(s, j, 1, 1, fl, false, name)
	if err != nil {
		return j, err
	}
	own := funcs.PRVSHash(original, keyArgs[0].s, keynum, day)
	if own == "" {
		return j, failMsg("hmac-sha1 conversion failed")
	}
	if own == hash && funcs.PRVSStillValid(day, funcs.PRVSDay(now(), 0)) {
		e.prvsResult = "1"
	}
	last, j, err := e.readSubs(s, j, 1, 0, fl, true, name)
	if err != nil {
		return j, err
	}
	if len(last) > 0 && last[0].s != "" {
		o.add(last[0].s, last[0].t)
	} else {
		o.add(original, args[0].t)
	}
	e.prvsAddress, e.prvsKeynum = "", ""
	return j, nil
}

func itemListquote(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	args, j, err := e.readSubs(s, i, 2, 2, fl, true, name)
	if err != nil || fl&skipping != 0 {
		return j, err
	}
	if args[1].s == "" {
		o.add(" ", false)
		return j, nil
	}
	var sep byte
	if args[0].s != "" {
		sep = args[0].s[0]
	}
	var b []byte
	for k := 0; k < len(args[1].s); k++ {
		c := args[1].s[k]
		if c == sep {
			b = append(b, c)
		}
		b = append(b, c)
	}
	o.add(string(b), args[1].t)
	return j, nil
}
