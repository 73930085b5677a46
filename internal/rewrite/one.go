package rewrite

import (
	"fmt"
	"strings"

	"exigo/internal/address"
	"exigo/internal/expand"
	"exigo/internal/lists"
)

// Env is what rewriting needs from its surroundings.
type Env struct {
	// Ctx expands patterns and replacements; rewriting adds $local_part,
	// $domain and the numeric variables of the match on top of it.
	Ctx *expand.Context
	// QualifySender and QualifyRecipient are qualify_domain and
	// qualify_recipient.
	QualifySender, QualifyRecipient string
	// LogRewrites is the address_rewrite log selector: each rewrite is
	// then written to Log.
	LogRewrites bool
	Log         func(line string) // main log
	Panic       func(line string) // main and panic log
}

// Result of rewriting one address.
type Result struct {
	Address string
	// Rewritten is set when any rule applied, even if the text came out
	// the same (Exim then still rebuilds a header).
	Rewritten bool
	// Whole is set when a "w" rule replaced a header address as a whole,
	// phrase included: Address is then the complete mailbox text.
	Whole bool
	// Olds are the addresses each successful rule started from, which
	// reception records in X-rewrote- lines.
	Olds []string
}

// maxRepeat is how often an "R" rule is applied again.
const maxRepeat = 10

// One is Exim's rewrite_one: the rules whose flags include flag are
// tried in order on s. s must be qualified unless flag has SMTP.
func (e *Env) One(rules Rules, s string, flag Flag) Result {
	st := &oneState{Result: Result{Address: s}, subject: s}
	for i := 0; i < len(rules.List) && !st.done; i++ {
		r := &rules.List[i]
		if r.Flags&flag == 0 {
			continue
		}
		if !e.applyRule(st, r, i+1, flag) {
			break
		}
	}
	return st.Result
}

// oneState is rewrite_one's running state: the address so far (yield,
// possibly a whole mailbox), the operative address rules match against,
// and where that sits in yield.
type oneState struct {
	Result
	subject              string
	yieldStart, yieldEnd int
	done                 bool
}

// applyRule applies one rule (repeatedly for "R"). It returns false
// when rewriting of this address must stop altogether.
func (e *Env) applyRule(st *oneState, r *Rule, num int, flag Flag) bool {
	for count := 0; ; count++ {
		nv, outcome := e.replacement(r, st.subject, flag)
		switch outcome {
		case noMatch:
			return true
		case stop:
			return false
		case forcedFail:
			return r.Flags&Quit == 0
		}
		if !e.accept(st, r, num, flag, nv) {
			return false
		}
		if r.Flags&Quit != 0 {
			st.done = true
		}
		if r.Flags&Repeat == 0 {
			return true
		}
		if count >= maxRepeat {
			e.panic("rewrite rule repeat ignored after 10 times")
			return true
		}
	}
}

type outcome int

const (
	replaced outcome = iota
	noMatch
	forcedFail
	stop // a "*" replacement or an expansion error
)

// replacement matches the rule and expands its replacement.
func (e *Env) replacement(r *Rule, subject string, flag Flag) (string, outcome) {
	ctx := e.context()
	if flag&SMTP != 0 {
		key, err := ctx.Expand(r.Key)
		if err != nil {
			if !expand.IsForcedFail(err) {
				e.panic(fmt.Sprintf("failed to expand \"%s\" while checking for SMTP rewriting: %s", r.Key, err))
			}
			return "", noMatch
		}
		res, err := lists.MatchStringItem(ctx.Lists, key, subject, false)
		if err != nil || !res.Matched {
			return "", noMatch
		}
		ctx.Matched = &expand.MatchVars{Nums: res.Vars}
		return e.expandReplacement(ctx, r)
	}
	at := strings.LastIndexByte(subject, '@')
	if at < 0 {
		return "", noMatch
	}
	key, err := ctx.Expand(r.Key)
	if err != nil {
		return "", noMatch
	}
	res, err := lists.MatchAddressItem(ctx.Lists, key, subject, false)
	if err != nil || !res.Matched {
		return "", noMatch
	}
	if r.Replacement == "*" {
		return "", stop // never rewritten, and no further rules
	}
	ctx.Matched = &expand.MatchVars{Nums: res.Vars}
	ctx.Vars = addressVars{base: ctx.Vars, localPart: subject[:at], domain: subject[at+1:]}
	return e.expandReplacement(ctx, r)
}

func (e *Env) expandReplacement(ctx *expand.Context, r *Rule) (string, outcome) {
	v, err := ctx.Expand(r.Replacement)
	if err == nil {
		return v, replaced
	}
	if expand.IsForcedFail(err) {
		return "", forcedFail
	}
	e.panic(fmt.Sprintf("Expansion of %s failed while rewriting: %s", r.Replacement, err))
	return "", stop
}

// context is a private copy of the caller's expansion context.
func (e *Env) context() *expand.Context {
	if e.Ctx == nil {
		return &expand.Context{}
	}
	c := *e.Ctx
	return &c
}

// accept checks the new address and makes it the current one.
func (e *Env) accept(st *oneState, r *Rule, num int, flag Flag, nv string) bool {
	allowNull := flag == EnvFrom || flag == SMTP|SMTPSender
	p, start, end, err := address.Options{AllowNull: allowNull}.ExtractAt(nv)
	if err != nil {
		e.panic(fmt.Sprintf("Rewrite of %s yielded unparseable address: %s in address %s", st.subject, err, nv))
		return false
	}
	parsed := p.Address
	if p.Domain == "" && (parsed != "" || !allowNull) {
		if r.Flags&Qualify == 0 {
			e.panic(fmt.Sprintf("Rewrite of %s yielded unqualified address \"%s\"", st.subject, nv))
			return false
		}
		parsed = qualify(parsed, e.QualifyRecipient)
		nv = nv[:start] + parsed + nv[end:]
		end = start + len(parsed)
	}
	if e.LogRewrites && e.Log != nil {
		e.Log(fmt.Sprintf("\"%s\" from %s rewritten as \"%s\" by rule %d", st.Address, where(flag), nv, num))
	}
	st.Olds = append(st.Olds, st.subject)
	st.Rewritten = true
	switch {
	case flag&AllHeaders == 0:
		st.subject, st.Address = parsed, parsed
	case r.Flags&Whole != 0:
		nv, start = fixPhrases(nv, start, end, e.headersCharset())
		st.Address, st.yieldStart, st.yieldEnd = nv, start, start+len(parsed)
		st.subject, st.Whole = parsed, true
	case !st.Whole:
		st.subject, st.Address = parsed, parsed
	default:
		// An earlier "w" rule set the whole mailbox: keep its phrase.
		y := st.Address
		st.subject = parsed
		st.Address = y[:st.yieldStart] + parsed + y[st.yieldEnd:]
		st.yieldEnd = st.yieldStart + len(parsed)
	}
	return true
}

// fixPhrases repairs the phrase before "<" and the text after ">" of a
// whole replacement and returns it with the new offset of the address.
func fixPhrases(nv string, start, end int, charset string) (string, int) {
	if start == 0 || nv[start-1] != '<' {
		return nv, start
	}
	p1 := start - 1
	for p1 > 0 && nv[p1-1] == ' ' {
		p1--
	}
	p2 := end + 1
	if p2 > len(nv) {
		p2 = len(nv)
	}
	for p2 < len(nv) && nv[p2] == ' ' {
		p2++
	}
	pf1, pf2 := FixPhrase(nv[:p1], charset), FixPhrase(nv[p2:], charset)
	return pf1 + nv[p1:p2] + pf2, len(pf1) + start - p1
}

// headersCharset is headers_charset, which the configuration gives the
// expansion context as a variable (UTF-8, Exim's default, without one).
func (e *Env) headersCharset() string {
	if e.Ctx != nil && e.Ctx.Vars != nil {
		if cs, _, ok := e.Ctx.Vars.Var("headers_charset"); ok && cs != "" {
			return cs
		}
	}
	return "UTF-8"
}

// qualify adds @domain to an address without one.
func qualify(s, domain string) string {
	if address.FindAt(s) >= 0 {
		return s
	}
	return s + "@" + domain
}

func (e *Env) panic(line string) {
	if e.Panic != nil {
		e.Panic(line)
	}
}

// where names the kind of address in the address_rewrite log line.
func where(flag Flag) string {
	switch flag {
	case Sender:
		return "sender:"
	case From:
		return "from:"
	case To:
		return "to:"
	case Cc:
		return "cc:"
	case Bcc:
		return "bcc:"
	case ReplyTo:
		return "reply-to:"
	case EnvFrom:
		return "env-from"
	case EnvTo:
		return "env-to"
	case SMTP:
		return "smtp recipient"
	case SMTP | SMTPSender:
		return "smtp sender"
	}
	return "?"
}

// addressVars gives the replacement $local_part and $domain of the
// address being rewritten (in their original case).
type addressVars struct {
	base              expand.Vars
	localPart, domain string
}

func (v addressVars) Var(name string) (string, bool, bool) {
	switch name {
	case "local_part":
		return v.localPart, true, true
	case "domain":
		return v.domain, true, true
	}
	if v.base == nil {
		return "", false, false
	}
	return v.base.Var(name)
}

// Address is Exim's rewrite_address for an envelope sender or
// recipient: qualified (qualify_domain or qualify_recipient), then
// rewritten by the rules with F or T.
func (e *Env) Address(rules Rules, s string, recipient bool) Result {
	flag, domain := EnvFrom, e.QualifySender
	if recipient {
		flag, domain = EnvTo, e.QualifyRecipient
	}
	s = qualify(s, domain)
	if rules.Exist&flag == 0 {
		return Result{Address: s}
	}
	return e.One(rules, s, flag)
}
