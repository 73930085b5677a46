package router

import (
	"fmt"
	"strings"

	"exigo/internal/address"
	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/regex"
)

// redirectRouter is Exim's redirect router: an address list (inline in
// data, or in a file) replaces the address. Exim and Sieve filters are
// recognised but not run: exigo defers such addresses (see filterDefer).
type redirectRouter struct{}

func init() {
	Register("redirect", newRedirect)
}

func newRedirect(r *conf.Driver) (Driver, error) {
	if r.IsSet("file") == r.IsSet("data") {
		only := ""
		if r.IsSet("file") {
			only = "only "
		}
		return nil, fmt.Errorf("%s router:\n  %sone of \"file\" or \"data\" must be specified", r.Name, only)
	}
	if r.Bool("one_time") {
		if r.IsSet("headers_add") || r.IsSet("headers_remove") {
			return nil, fmt.Errorf("%s router:\n  \"headers_add\" and \"headers_remove\" are not permitted with \"one_time\"", r.Name)
		}
		if r.IsSet("unseen") {
			return nil, fmt.Errorf("%s router:\n  \"unseen\" may not be used with \"one_time\"", r.Name)
		}
	}
	if r.IsSet("qualify_domain") && r.Bool("qualify_preserve_domain") {
		return nil, fmt.Errorf("%s router:\n  only one of \"qualify_domain\" or \"qualify_preserve_domain\" must be set", r.Name)
	}
	if r.Bool("allow_filter") && !r.Bool("check_local_user") && !r.IsSet("user") {
		return nil, fmt.Errorf("%s router:\n  \"user\" or \"check_local_user\" must be set with \"allow_filter\"", r.Name)
	}
	return redirectRouter{}, nil
}

func (redirectRouter) Route(env *Env, r *conf.Driver, a *item.Address) (item.Result, []*item.Address) {
	g, ok := env.routerUGID(r, a)
	if !ok {
		return item.Defer, nil
	}
	if u := env.rs.user; u != nil {
		if !g.uidSet {
			g.uid, g.uidSet = u.UID, true
		}
		if !g.gidSet {
			g.gid, g.gidSet = u.GID, true
		}
	}
	p, rc := env.forwardParser(r, a)
	if rc != item.OK {
		return rc, nil
	}
	frc, msg, filter := env.interpret(r, a, p)
	return env.redirectOutcome(r, a, p, frc, msg, filter, g)
}

// forwardParser sets up the list parser from the router's options.
func (e *Env) forwardParser(r *conf.Driver, a *item.Address) (*forwardParser, item.Result) {
	p := &forwardParser{
		allowDefer:      r.Bool("allow_defer"),
		allowFail:       r.Bool("allow_fail"),
		forbidBlackhole: r.Bool("forbid_blackhole"),
		forbidInclude:   r.Bool("forbid_include"),
		incomingDomain:  a.Domain,
		qualifyDomain:   e.Config.QualifyRecipient(),
		includeDir:      r.String("include_directory"),
		skipErrors:      r.Bool("skip_syntax_errors"),
		parse: address.Options{
			AllowDomainLiterals:      e.Config.Bool("allow_domain_literals"),
			StripExcessAngleBrackets: e.Config.Bool("strip_excess_angle_brackets"),
			StripTrailingDot:         e.Config.Bool("strip_trailing_dot"),
			AllowUTF8Domains:         e.Config.Bool("allow_utf8_domains"),
		},
	}
	switch {
	case r.Bool("qualify_preserve_domain"):
		p.qualifyDomain = a.Domain
	case r.IsSet("qualify_domain"):
		d, rc := e.expandData(r, a, "qualify_domain")
		if rc != item.OK {
			return nil, rc
		}
		p.qualifyDomain = d
	}
	return p, item.OK
}

// interpret is rda_interpret: expand data (or the file name and read the
// file), recognise filters, parse an address list. filter is "" until
// the data has been looked at, then "forward", "exim" or "sieve".
func (e *Env) interpret(r *conf.Driver, a *item.Address, p *forwardParser) (forwardResult, string, string) {
	raw := r.String("data")
	isFile := r.IsSet("file")
	if isFile {
		raw = r.String("file")
	}
	data, tainted, err := e.Ctx.ExpandTaint(raw)
	if err != nil {
		if expand.IsForcedFail(err) {
			return ffNotDelivered, "", ""
		}
		return ffError, fmt.Sprintf("failed to expand %q: %s", raw, err), ""
	}
	if isFile {
		if !strings.HasPrefix(data, "/") {
			return ffError, fmt.Sprintf("%q is not an absolute path", data), ""
		}
		if tainted {
			// Exim 4.96 reads no file whose name came from the message.
			return ffError, fmt.Sprintf("Tainted name '%s' for file read not permitted\n", data), ""
		}
		content, rc, msg := e.readRedirectFile(r, data)
		if rc != ffDelivered {
			return rc, msg, ""
		}
		data = content
	}
	if kind := filterKind(data); kind != "forward" {
		if !r.Bool("allow_filter") {
			return ffError, "filtering not enabled", kind
		}
		return ffError, filterUnsupported(kind), kind
	}
	rc, msg := p.parseList(data)
	return rc, msg, "forward"
}

// filterKind is rda_is_filter: "# Exim filter" or "# Sieve filter" at the
// start (any case, spaces optional) makes a filter.
func filterKind(s string) string {
	s = strings.TrimLeft(s, " \t\r\n\f\v")
	for _, k := range []struct{ tag, kind string }{{"# exim filter", "exim"}, {"# sieve filter", "sieve"}} {
		if matchFilterTag(s, k.tag) {
			return k.kind
		}
	}
	return "forward"
}

// matchFilterTag compares caselessly; a space in the tag matches any run
// of spaces and tabs, or none.
func matchFilterTag(s, tag string) bool {
	i := 0
	for j := 0; j < len(tag); j++ {
		if tag[j] == ' ' {
			for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				i++
			}
			continue
		}
		if i >= len(s) || toLower(s[i]) != tag[j] {
			return false
		}
		i++
	}
	return true
}

func toLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// filterUnsupported is exigo's answer to a filter it may run: the
// address defers (and the error is logged), so nothing is lost.
func filterUnsupported(kind string) string {
	name := map[string]string{"exim": "Exim", "sieve": "Sieve"}[kind]
	return name + " filters are not supported by exigo"
}

// redirectOutcome turns the parse result into the router's answer.
func (e *Env) redirectOutcome(r *conf.Driver, a *item.Address, p *forwardParser, frc forwardResult, msg, filter string, g ugid) (item.Result, []*item.Address) {
	switch frc {
	case ffNonexist:
		a.Message, a.UserMessage = "", ""
		return item.Decline, nil
	case ffDefer, ffFail:
		return e.forcedOutcome(r, a, p, frc, msg, g)
	case ffBlackhole:
		p.out = nil // what came before :blackhole: goes too
	case ffError, ffIncludeFail:
		if filter == "" {
			a.Message = msg
			return item.Defer, nil
		}
		if filter != "forward" && strings.HasSuffix(msg, "not supported by exigo") {
			e.logf("%s router: %s (recipient is %s): address deferred", r.Name, msg, a.Address)
		}
		if filter != "forward" && r.Bool("skip_syntax_errors") {
			p.skipped = append(p.skipped, syntaxError{msg: msg})
			return e.skippedErrors(r, a, p, filter)
		}
		a.BasicErrno = item.ErrnoBadRedirect
		what := "redirect"
		if filter != "forward" {
			what = "filter"
		}
		source := "data"
		if r.IsSet("file") {
			source = "file"
		}
		a.Message = fmt.Sprintf("error in %s %s: %s", what, source, msg)
		return item.Defer, nil
	}
	if len(p.skipped) > 0 {
		if rc, done := e.skippedErrorsOutcome(r, a, p, filter); done {
			return rc, nil
		}
	}
	var kids []*item.Address
	if len(p.out) > 0 {
		if !e.setErrorsAndHeaders(r, a) {
			return item.Defer, nil
		}
		kids = e.generatedAddresses(r, a, p.out, g)
	}
	if frc == ffBlackhole || frc == ffDelivered && len(kids) == 0 {
		return item.Discard, nil // the delivery logs "=> :blackhole:"
	}
	if len(kids) == 0 {
		return item.Decline, nil
	}
	return item.OK, kids
}

// forcedOutcome handles :defer: and :fail: (with what was generated
// before a :fail:), their messages, and forbid_smtp_code.
func (e *Env) forcedOutcome(r *conf.Driver, a *item.Address, p *forwardParser, frc forwardResult, msg string, g ugid) (item.Result, []*item.Address) {
	res := item.Defer
	var kids []*item.Address
	if frc == ffFail {
		if !e.setErrorsAndHeaders(r, a) {
			return item.Defer, nil
		}
		kids = e.generatedAddresses(r, a, p.out, g)
		res = item.Fail
	}
	// An address list's :fail: or :defer: always has a message, if only
	// an empty one; Exim's "forced rejection" and "forced defer" are for
	// filters, which exigo does not run.
	if r.Bool("forbid_smtp_code") {
		if m := smtpCodeRE.FindStringSubmatchIndex(msg); m != nil {
			msg = msg[m[1]:]
		}
	}
	a.Message, a.UserMessage = msg, msg
	return res, kids
}

// smtpCodeRE is Exim's regex_smtp_code: an SMTP code and optional
// extended code at the start of a message.
var smtpCodeRE = regex.MustCompile(`^\d\d\d\s(?:\d\.\d\d?\d?\.\d\d?\d?\s)?`)

// skippedErrorsOutcome logs the errors skip_syntax_errors skipped; an
// address list that generated nothing, or a filter, declines.
func (e *Env) skippedErrorsOutcome(r *conf.Driver, a *item.Address, p *forwardParser, filter string) (item.Result, bool) {
	for _, s := range p.skipped {
		if s.item != "" {
			e.logf("%s router: skipped error: %s in %q", r.Name, s.msg, s.item)
		} else {
			e.logf("%s router: skipped error: %s", r.Name, s.msg)
		}
	}
	if filter != "forward" || len(p.out) == 0 {
		a.Message = "syntax error in redirection data"
		return item.Decline, true
	}
	return item.OK, false
}

// skippedErrors is skippedErrorsOutcome for a filter's error.
func (e *Env) skippedErrors(r *conf.Driver, a *item.Address, p *forwardParser, filter string) (item.Result, []*item.Address) {
	rc, _ := e.skippedErrorsOutcome(r, a, p, filter)
	return rc, nil
}
