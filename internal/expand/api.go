// Package expand is Exim's string expansion language (manual chapter
// "String expansions"). It is pure: variables come through Vars, headers
// through Headers, and lookups, list matching, items, operators and
// conditions through registries.
package expand

import (
	"fmt"
	"io"
	"strings"

	"exigo/internal/lists"
)

// Vars supplies variable values by name (without the '$').
type Vars interface {
	Var(name string) (value string, tainted bool, ok bool)
}

// Headers gives the message headers to $h_, $rh_, $bh_, $lh_, $header_...
type Headers interface {
	// Header returns every instance of the named header (case-insensitive),
	// each the raw text after the colon, folding included.
	Header(name string) []string
}

// AllHeaders is an optional extension of Headers for $message_headers
// and $message_headers_raw: every header line of the message in order,
// each whole ("Name: value", folding and final newline included).
type AllHeaders interface {
	AllHeaders() []string
}

// Context carries everything one expansion needs. A zero Context is valid
// (no variables, no message), as in "exigo -be" without a configuration.
type Context struct {
	Vars    Vars
	Headers Headers
	Lists   *lists.Env
	Debug   io.Writer // -d output; nil for none
	// DebugASCII draws the -d trace with ASCII instead of Exim's default
	// UTF-8 box characters (Exim's "-d+noutf8").
	DebugASCII bool
	// ACL variables ($acl_c*, $acl_m*) set while expanding, keyed by name.
	ACL map[string]string
	// Environ is the environment ${env} reads and ${run} passes on, as
	// "NAME=value" entries: Exim's keep_environment and add_environment
	// applied. nil means this process's own environment.
	Environ []string
	// Log receives the lines Exim writes to its main log while expanding
	// (refused tainted names, for example); nil drops them.
	Log func(line string)

	// Matched, when set, gives the expansion $0, $1 ... and $value as a
	// list match left them before it started (a router's route_list
	// pattern for its host list, for example).
	Matched *MatchVars

	// RunACL runs a named ACL for ${acl{name}{args...}} and the acl
	// condition; nil means no ACL engine ("ERROR from acl").
	RunACL func(name string, args []string) (ACLResult, string)

	// Process-wide results Exim keeps between expansions ($runrc and
	// $prvscheck_*): the next expansion with this Context sees them.
	kept keptState
}

// MatchVars are the numeric variables and $value of an earlier match.
type MatchVars struct {
	Nums  []string // $0, $1 ...
	Value string   // $value
}

// ACLResult is what an ACL run from an expansion returned.
type ACLResult int

const (
	ACLAccept ACLResult = iota
	ACLDeny
	ACLDefer
	ACLError
)

func (r ACLResult) String() string {
	return [...]string{"OK", "FAIL", "DEFER", "ERROR"}[r]
}

type keptState struct {
	runrc                               int
	runrcSet, prvsActive                bool
	prvsAddress, prvsKeynum, prvsResult string
}

func (c *Context) log(format string, args ...any) {
	if c.Log != nil {
		c.Log(fmt.Sprintf(format, args...))
	}
}

// Expand expands s as Exim's expand_string does.
func (c *Context) Expand(s string) (string, error) {
	v, _, err := c.ExpandTaint(s)
	return v, err
}

// ExpandTaint expands s and reports whether the result is tainted (built
// from untrusted data such as a message's envelope or headers).
func (c *Context) ExpandTaint(s string) (value string, tainted bool, err error) {
	if strings.IndexByte(s, '$') < 0 && strings.IndexByte(s, '\\') < 0 {
		return s, false, nil // nothing to expand: Exim returns the string as it is
	}
	e := expander{c: c, dbg: newTracer(c.Debug, !c.DebugASCII)}
	k := &c.kept
	e.runrc, e.runrcSet, e.prvsActive = k.runrc, k.runrcSet, k.prvsActive
	e.prvsAddress, e.prvsKeynum, e.prvsResult = k.prvsAddress, k.prvsKeynum, k.prvsResult
	if m := c.Matched; m != nil {
		e.nums, e.numsTaint = m.Nums, true
		e.value, e.hasValue = m.Value, true
	}
	v, t, _, err := e.run(s, 0, honorDollar)
	k.runrc, k.runrcSet, k.prvsActive = e.runrc, e.runrcSet, e.prvsActive
	k.prvsAddress, k.prvsKeynum, k.prvsResult = e.prvsAddress, e.prvsKeynum, e.prvsResult
	if err != nil {
		return "", false, err
	}
	return v, t, nil
}

// Condition expands s (a router's "condition" option, for example) and
// judges the result as Exim does: "", "0", "no" and "false" (any case)
// are false, anything else is true. A failed expansion returns its error;
// a forced failure counts as false with a nil error.
func (c *Context) Condition(s string) (bool, error) {
	v, err := c.Expand(s)
	if err != nil {
		if IsForcedFail(err) {
			return false, nil
		}
		return false, err
	}
	return v != "" && v != "0" && !strings.EqualFold(v, "no") && !strings.EqualFold(v, "false"), nil
}

// ExpandWithDomain expands s with $domain set to domain when the context
// has no $domain of its own: what Exim does while it expands a named
// domain list (it fits lists.Env.ExpandDomain).
func (c *Context) ExpandWithDomain(s, domain string) (string, error) {
	if c.Vars != nil {
		if v, _, ok := c.Vars.Var("domain"); ok && v != "" {
			return c.Expand(s)
		}
	}
	withDomain := *c
	withDomain.Vars = overlayVar{base: c.Vars, name: "domain", value: domain}
	return withDomain.Expand(s)
}

// overlayVar adds one variable in front of another Vars.
type overlayVar struct {
	base        Vars
	name, value string
}

func (o overlayVar) Var(name string) (string, bool, bool) {
	if name == o.name {
		return o.value, false, true
	}
	if o.base == nil {
		return "", false, false
	}
	return o.base.Var(name)
}
