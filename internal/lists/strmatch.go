package lists

import (
	"errors"
	"fmt"
	"strings"

	"exigo/internal/lookup"
	"exigo/internal/regex"
)

// stringProbe tests domain and local part list items (Exim's
// check_string): regular expressions, "*" tail matches, the "@" specials
// of domain lists, lookups and literal strings.
type stringProbe struct {
	env        *Env
	orig       string // the subject as given
	subject    string // lower-cased when caseless
	caseless   bool
	atSpecial  bool // domain lists: "@", "@[]", "@mx_..."
	usePartial bool
	res        *Result
}

func newStringProbe(env *Env, s string, caseless bool, res *Result) *stringProbe {
	p := &stringProbe{env: env, orig: s, subject: s, caseless: caseless, usePartial: true, res: res}
	if caseless {
		p.subject = strings.ToLower(s)
	}
	return p
}

func (p *stringProbe) caseful() { p.subject, p.caseless = p.orig, false }

func (p *stringProbe) test(pattern string) (outcome, error) {
	switch {
	case strings.HasPrefix(pattern, "^"):
		return p.regex(pattern)
	case strings.HasPrefix(pattern, "*"):
		return p.tail(pattern), nil
	case p.atSpecial && strings.HasPrefix(pattern, "@"):
		if oc, err, done := p.atItem(pattern); done {
			return oc, err
		}
	}
	if strings.IndexByte(pattern, ';') < 0 {
		return p.literal(pattern, pattern), nil
	}
	return p.lookup(pattern)
}

func (p *stringProbe) found(data string, vars ...string) outcome {
	*p.res = Result{Matched: true, HasData: true, Data: data, Vars: vars}
	return matched
}

// regex matches the subject as given; caseless lists make the pattern
// caseless unless it says (?-i).
func (p *stringProbe) regex(pattern string) (outcome, error) {
	re, err := compileListRegex(pattern, p.caseless)
	if err != nil {
		return noMatch, err
	}
	m := re.FindStringSubmatch(p.orig)
	if m == nil {
		return noMatch, nil
	}
	m[0] = p.orig // $0 is the whole subject, not the matched part
	return p.found(pattern, m...), nil
}

// compileListRegex compiles a list item's regular expression; a bad one
// is fatal, with Exim's wording.
func compileListRegex(pattern string, caseless bool) (*regex.Regexp, error) {
	if caseless {
		if re, err := regex.Compile("(?i)" + pattern); err == nil {
			return re, nil
		}
	}
	re, err := regex.Compile(pattern)
	if err == nil {
		return re, nil
	}
	var ce *regex.CompileError
	if errors.As(err, &ce) {
		return nil, &FatalError{Msg: fmt.Sprintf("regular expression error: %s at offset %d while compiling %s",
			ce.Msg, ce.Offset, pattern)}
	}
	return nil, &FatalError{Msg: err.Error()}
}

// tail matches "*suffix": the suffix need not start at a dot.
func (p *stringProbe) tail(pattern string) outcome {
	suffix := pattern[1:]
	s := p.subject
	if len(suffix) > len(s) {
		return noMatch
	}
	end := s[len(s)-len(suffix):]
	if !(end == suffix || p.caseless && strings.EqualFold(end, suffix)) {
		return noMatch
	}
	return p.found(pattern, s, s[:len(s)-len(suffix)])
}

func (p *stringProbe) literal(pattern, data string) outcome {
	if p.subject == pattern || p.caseless && strings.EqualFold(p.subject, pattern) {
		return p.found(data, p.subject)
	}
	return noMatch
}

// atItem handles "@", "@[]" and "@mx_any/primary/secondary[/ignore=...]";
// done is false for other items starting with "@".
func (p *stringProbe) atItem(pattern string) (outcome, error, bool) {
	if pattern == "@" {
		host := p.env.primaryHostname()
		return p.literal(host, host), nil, true
	}
	if pattern == "@[]" {
		return p.localLiteral(), nil, true
	}
	which, ignore, ok := parseMXItem(pattern)
	if !ok {
		return noMatch, nil, false
	}
	in, err := p.env.mxMatch(p.subject, which, ignore)
	if err != nil {
		return deferred, err, true
	}
	if !in {
		return noMatch, nil, true
	}
	return p.found(pattern, p.subject), nil, true
}

// localLiteral matches a domain literal "[ip]" of a local interface.
func (p *stringProbe) localLiteral() outcome {
	s := p.subject
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return noMatch
	}
	for _, ip := range p.env.localIPs() {
		if ip == s[1:len(s)-1] {
			return p.found("@[]", s)
		}
	}
	return noMatch
}

// lookup runs "type;file" (keyed by the subject) or "type;query".
func (p *stringProbe) lookup(pattern string) (outcome, error) {
	res, err := runLookup(pattern, p.subject, p.usePartial)
	if err != nil || !res.Found {
		return lookupOutcome(err)
	}
	vars := []string{p.subject}
	if res.HasParts {
		vars = append(vars, res.Wild, res.Fixed)
	}
	return p.found(res.Value, vars...), nil
}

// runLookup parses a lookup item and runs it, with key for single-key
// types. Errors: *FatalError (bad type, unopenable file) or a defer.
func runLookup(pattern, key string, usePartial bool) (lookup.Result, error) {
	semi := strings.IndexByte(pattern, ';')
	spec, err := lookup.ParseSpec(pattern[:semi])
	if err != nil {
		return lookup.Result{}, &FatalError{Msg: err.Error()}
	}
	if !usePartial && spec.Partial >= 0 {
		s := *spec
		s.Partial = -1
		spec = &s
	}
	arg := strings.TrimLeft(pattern[semi+1:], " \t\n\v\f\r")
	var res lookup.Result
	if spec.Driver.Kind() == lookup.Query {
		res, err = spec.Query(arg)
	} else {
		res, err = spec.Find(arg, key)
	}
	if err != nil && !lookup.IsDefer(err) {
		err = &FatalError{Msg: err.Error()}
	}
	return res, err
}

// lookupOutcome classifies a lookup that did not find anything.
func lookupOutcome(err error) (outcome, error) {
	if err == nil {
		return noMatch, nil
	}
	if lookup.IsDefer(err) {
		return deferred, &DeferError{Msg: err.Error()}
	}
	return noMatch, err
}

func (e *Env) primaryHostname() string {
	if e == nil {
		return ""
	}
	return e.PrimaryHostname
}

func (e *Env) localIPs() []string {
	if e == nil {
		return nil
	}
	return e.LocalIPs
}
