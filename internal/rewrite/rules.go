// Package rewrite is Exim's configured address rewriting (manual chapter
// "Address rewriting"): the rules of "begin rewrite" and of a transport's
// headers_rewrite, applied to envelope addresses, to the addresses in
// header lines, and at SMTP time (the S flag), as Exim's rewrite.c does.
package rewrite

import (
	"fmt"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand/funcs"
	"exigo/internal/lists"
)

// Flag is a set of rule flags; the values are Exim's rewrite_* bits.
type Flag uint32

const (
	Sender     Flag = 1 << iota // s: Sender: (and Resent-Sender:)
	From                        // f
	To                          // t
	Cc                          // c
	Bcc                         // b
	ReplyTo                     // r
	EnvFrom                     // F
	EnvTo                       // T
	SMTP                        // S: MAIL/RCPT argument at SMTP time
	SMTPSender                  // with SMTP: the MAIL argument (may become <>)
	Qualify                     // Q: an unqualified result is qualified
	Repeat                      // R: apply again, up to 10 times
	Whole                       // w: replace the whole header address
	Quit                        // q: no further rules

	AllHeaders  = Sender | From | To | Cc | Bcc | ReplyTo // h
	AllEnvelope = EnvFrom | EnvTo                         // E
	All         = AllHeaders | AllEnvelope
)

var flagLetters = map[byte]Flag{
	'q': Quit, 'w': Whole, 'h': AllHeaders, 's': Sender, 'f': From, 't': To,
	'c': Cc, 'b': Bcc, 'r': ReplyTo, 'E': AllEnvelope, 'F': EnvFrom,
	'T': EnvTo, 'Q': Qualify, 'R': Repeat, 'S': SMTP,
}

// Rule is one rewriting rule.
type Rule struct {
	Key, Replacement string
	Flags            Flag
}

// Rules is a chain of rules and the union of their flags (Exim's
// existflags, which lets callers skip addresses no rule can touch).
type Rules struct {
	List  []Rule
	Exist Flag
}

// Empty tells whether there are no rules at all.
func (r Rules) Empty() bool { return len(r.List) == 0 }

// newRule reads the flag letters; a rule with no selecting flag applies
// to everything it may (all of them in the rewrite section, all headers
// at transport time).
func newRule(key, repl, flags string, global bool) (Rule, error) {
	r := Rule{Key: key, Replacement: repl}
	for i := 0; i < len(flags); i++ {
		c := flags[i]
		if c == ' ' || c == '\t' {
			continue
		}
		f, ok := flagLetters[c]
		if !ok {
			return r, fmt.Errorf("unknown rewrite flag character '%c' (could be missing quotes round replacement item)", c)
		}
		if f == SMTP && !strings.HasPrefix(key, "^") && !strings.HasPrefix(key, `\N^`) {
			return r, fmt.Errorf("rewrite rule has the S flag but is not a regular expression")
		}
		r.Flags |= f
	}
	if r.Flags&(All|SMTP) == 0 {
		if global {
			r.Flags |= All
		} else {
			r.Flags |= AllHeaders
		}
	}
	return r, nil
}

// FromConfig builds the global rules of "begin rewrite" (already
// checked by the configuration reader, the S flag's key included).
func FromConfig(rs []conf.RewriteRule) (Rules, error) {
	var out Rules
	for _, cr := range rs {
		r, err := newRule(cr.Pattern, cr.Replacement, cr.Flags, true)
		if err != nil {
			return Rules{}, fmt.Errorf("line %d: %v", cr.Line, err)
		}
		out.List = append(out.List, r)
		out.Exist |= r.Flags
	}
	return out, nil
}

// ParseTransport reads a transport's headers_rewrite: a colon-separated
// list of rules, each written as a line of the rewrite section. Envelope
// and SMTP-time flags are refused there, as Exim does.
func ParseTransport(s string) (Rules, error) {
	var out Rules
	it := lists.NewIter(s)
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		key, rest := funcs.Dequote(strings.TrimLeft(item, " \t\n\r\f\v"))
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			return Rules{}, fmt.Errorf("missing rewrite replacement string")
		}
		repl, flags := funcs.Dequote(strings.TrimLeft(rest, " \t\n\r\f\v"))
		r, err := newRule(key, repl, flags, false)
		if err != nil {
			return Rules{}, err
		}
		out.List = append(out.List, r)
		out.Exist |= r.Flags
	}
	if out.Exist&(AllEnvelope|SMTP) != 0 {
		return Rules{}, fmt.Errorf("rewrite rule specifies a non-header rewrite - not allowed at transport time -")
	}
	return out, nil
}
