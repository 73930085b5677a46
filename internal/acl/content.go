package acl

import (
	"errors"
	"fmt"
	"strings"

	"exigo/internal/lists"
	"exigo/internal/mime"
	"exigo/internal/regex"
)

// The content-scanning conditions of Exim's WITH_CONTENT_SCAN build
// (Debian's exim4-daemon-heavy): decode and mime_regex in the MIME ACL,
// regex there and in the DATA (and non-SMTP) ACL.

func init() {
	conditions["decode"] = condDecode
	conditions["mime_regex"] = condMIMERegex
	conditions["regex"] = condRegex
	placeRules["decode"] = placeRule{true, places(WhereMIME)}
	placeRules["mime_regex"] = placeRule{true, places(WhereMIME)}
	placeRules["regex"] = placeRule{true, places(WhereDATA, WherePRDR, WhereNotSMTP, WhereMIME)}
}

// Exim reads lines of up to 32766 bytes for the regex condition, and
// matches mime_regex against the first 32766 decoded bytes.
const (
	regexLineSize  = 32767
	mimeRegexBytes = 32766
)

// condDecode is "decode = location": the MIME part is decoded to a file.
func condDecode(c *Call) Result {
	p := c.Env().MIMEPart
	if p == nil {
		return Fail
	}
	ok, err := p.Decode(c.Arg, c.Tainted)
	SetMIMEVars(c.Env().State, p)
	switch {
	case err != nil:
		return Defer
	case !ok:
		return Fail
	}
	return OK
}

// condMIMERegex matches the regular expressions against the start of the
// decoded MIME part, which is decoded first if no decode condition did.
func condMIMERegex(c *Call) Result {
	clearRegexVars(c)
	p := c.Env().MIMEPart
	if p == nil {
		return Fail
	}
	head, err := p.DecodedHead(mimeRegexBytes)
	SetMIMEVars(c.Env().State, p)
	if err != nil {
		return Defer
	}
	res := compileRegexList(c)
	if len(res) > 0 && matchRegexes(c, res, head) {
		return OK
	}
	return Fail
}

// condRegex matches the regular expressions line by line against the
// raw MIME part (in the MIME ACL) or the whole message as its mbox copy
// has it ("From " line and envelope lines first).
func condRegex(c *Call) Result {
	clearRegexVars(c)
	env := c.Env()
	each := func(fn func([]byte) bool) error {
		env.MIMEPart.EachLine(regexLineSize, fn)
		return nil
	}
	if env.MIMEPart == nil {
		each = func(fn func([]byte) bool) error {
			if env.Scan == nil {
				return errors.New("no message")
			}
			return env.Scan.EachLine(regexLineSize, fn)
		}
	}
	res := compileRegexList(c)
	matched := false
	err := each(func(line []byte) bool {
		matched = len(res) > 0 && matchRegexes(c, res, line)
		return !matched
	})
	if err != nil {
		env.Log.Main("regex acl condition: error while creating mbox spool file")
		env.Log.Panic("regex acl condition: error while creating mbox spool file")
		return Defer
	}
	if matched {
		return OK
	}
	return Fail
}

// compiledRegex is one expression of a condition's list.
type compiledRegex struct {
	re   *regex.Regexp
	text string
}

// compileRegexList compiles the condition's list; "false" and "0" items
// are ignored, bad expressions logged and skipped. Exim tries them last
// first, so the result is in that order.
func compileRegexList(c *Call) []compiledRegex {
	var out []compiledRegex
	it := lists.NewIter(c.Arg)
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		if strings.EqualFold(item, "false") || item == "0" {
			continue
		}
		re, err := regex.Compile(item)
		if err != nil {
			msg, off := err.Error(), 0
			var ce *regex.CompileError
			if errors.As(err, &ce) {
				msg, off = ce.Msg, ce.Offset
			}
			c.Env().Log.Main(fmt.Sprintf("regex acl condition warning - error in regex '%s': %s at offset %d, skipped.", item, msg, off))
			continue
		}
		out = append([]compiledRegex{{re, item}}, out...)
	}
	return out
}

// matchRegexes tries the expressions on subject; the first that matches
// sets $regex_match_string and $regex1.. $regex9. Like PCRE with room
// for nine groups, a match in which a later group took part fails.
func matchRegexes(c *Call, res []compiledRegex, subject []byte) bool {
	s := string(subject)
	for _, r := range res {
		m := r.re.FindStringSubmatchIndex(s)
		if m == nil {
			continue
		}
		last := 0
		for g := 1; 2*g < len(m); g++ {
			if m[2*g] >= 0 {
				last = g
			}
		}
		if last > 9 {
			continue
		}
		c.SetVar("regex_match_string", r.text)
		for g := 1; g <= last; g++ {
			v := ""
			if m[2*g] >= 0 {
				v = s[m[2*g]:m[2*g+1]]
			}
			c.SetVar(fmt.Sprintf("regex%d", g), v)
		}
		return true
	}
	return false
}

// clearRegexVars: every regex or mime_regex test starts afresh.
func clearRegexVars(c *Call) {
	c.SetVar("regex_match_string", "")
	for g := 1; g <= 9; g++ {
		c.SetVar(fmt.Sprintf("regex%d", g), "")
	}
}

// SetMIMEVars makes a part's $mime_* variables visible to expansions.
func SetMIMEVars(st *State, p *mime.Part) {
	for name, v := range p.Vars() {
		st.Vars[name] = v
	}
}

// EndMIMEVars leaves what Exim leaves after the MIME ACL: the per-part
// variables reset, the part count and the rfc822 and cover letter flags
// as the walk left them.
func EndMIMEVars(st *State, sum mime.Summary) {
	for name := range (&mime.Part{}).Vars() {
		delete(st.Vars, name)
	}
	st.Vars["mime_part_count"] = fmt.Sprint(sum.Count)
	st.Vars["mime_is_rfc822"] = boolText(sum.IsRFC822)
	st.Vars["mime_is_coverletter"] = boolText(sum.IsCoverletter)
}

// StartMIMEVars is the state at the start of each message: no MIME part
// seen ($mime_part_count is -1).
func StartMIMEVars(st *State) { EndMIMEVars(st, mime.Summary{Count: -1}) }

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
