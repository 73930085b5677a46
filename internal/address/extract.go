// Package address parses RFC 2822 mailboxes the way Exim's parse.c does:
// the operative address of "Name <a@b>", comments, quoted local parts,
// source routes and group syntax, with Exim's error texts.
package address

import (
	"fmt"
	"strings"
)

// MaxLength is Exim 4.96's ADDRESS_MAXLENGTH: an address whose text (from
// its start to its end in the input, comments included) is longer is
// refused as "ridiculously long".
const MaxLength = 256

// Parsed is an extracted address. Domain is "" for an unqualified one.
type Parsed struct{ Address, LocalPart, Domain string }

// Options are the main-configuration settings that change parsing.
// The zero value is Exim's default.
type Options struct {
	AllowDomainLiterals      bool // allow_domain_literals
	StripExcessAngleBrackets bool // strip_excess_angle_brackets
	StripTrailingDot         bool // strip_trailing_dot
	AllowUTF8Domains         bool // allow_utf8_domains
	// AllowNull accepts "<>" (as for SMTP MAIL FROM).
	AllowNull bool
}

// SyntaxError is a parse failure; its text is Exim's.
type SyntaxError struct{ Msg string }

func (e *SyntaxError) Error() string { return e.Msg }

// Extract is Exim's parse_extract_address with default options, as used by
// ${address:}, ${domain:} and ${local_part:}.
func Extract(s string) (Parsed, error) {
	p, _, _, err := Options{}.ExtractAt(s)
	return p, err
}

// Extract parses one mailbox with these options.
func (o Options) Extract(s string) (Parsed, error) {
	p, _, _, err := o.ExtractAt(s)
	return p, err
}

// ExtractAt also returns the byte offsets in s of the extracted address
// (start inclusive, end exclusive), which header rewriting replaces.
func (o Options) ExtractAt(s string) (p Parsed, start, end int, err error) {
	var g groupState
	return o.extract(s, &g)
}

// groupState carries RFC 822 group syntax across the mailboxes of one
// header ("phrase: a, b;"), like Exim's parse_allow_group/found_group.
type groupState struct {
	allow, found bool
}

// afterGroupEnd clears the group when the scan stopped on its ';'.
func (g *groupState) afterGroupEnd(c byte) bool {
	if g.found && c == ';' {
		g.found, g.allow = false, true
		return true
	}
	return false
}

func (o Options) extract(s string, g *groupState) (Parsed, int, int, error) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i] // C strings end at NUL
	}
	sc := &scanner{s: s, opts: o}
	r, msg := sc.mailbox(g)
	if msg == "" {
		msg = sc.checkTail(g)
	}
	if msg != "" {
		g.afterGroupEnd(sc.cur())
		return Parsed{}, 0, 0, &SyntaxError{msg}
	}
	for r.end > 0 && isSpace(s[r.end-1]) {
		r.end--
	}
	if r.end-r.start > MaxLength {
		return Parsed{}, 0, 0, &SyntaxError{fmt.Sprintf("address is ridiculously long: %.64s...", r.addr)}
	}
	return r.parsed(), r.start, r.end, nil
}

// checkTail insists that nothing but a group-ending ';' follows.
func (sc *scanner) checkTail(g *groupState) string {
	if sc.cur() == 0 || g.afterGroupEnd(sc.cur()) {
		return ""
	}
	return sc.mayNotFollow(sc.pos)
}

// mayNotFollow is Exim's "malformed address" text for junk at pos.
func (sc *scanner) mayNotFollow(pos int) string {
	rest := sc.s[pos:]
	if len(rest) > 32 {
		rest = rest[:32]
	}
	return fmt.Sprintf("malformed address: %s may not follow %s", rest, sc.s[:pos])
}

// extracted is a mailbox's operative address and where it was found.
type extracted struct {
	addr       string
	domain     int // offset of the domain in addr, -1 when none
	start, end int
}

func (r extracted) parsed() Parsed {
	if r.domain < 0 {
		return Parsed{Address: r.addr, LocalPart: r.addr}
	}
	return Parsed{Address: r.addr, LocalPart: r.addr[:r.domain-1], Domain: r.addr[r.domain:]}
}

// mailbox reads an addr-spec, "phrase <route-addr>", an unbracketed
// route-addr, or (when groups are allowed) a group's "phrase:" first.
func (sc *scanner) mailbox(g *groupState) (extracted, string) {
	for {
		sc.skipComment()
		start := sc.pos
		word, msg := sc.readLocalPart(true)
		if msg != "" {
			return extracted{}, msg
		}
		c := sc.cur()
		switch {
		case c == '@' && word == "":
			return sc.bareRoute(start)
		case c == '@':
			return sc.strictAddrSpec(word, start)
		case c == '<':
			return sc.angleAddr()
		case c == 0 || c == ';':
			if word == "" {
				return extracted{}, "empty address"
			}
			return extracted{addr: word, domain: -1, start: start, end: sc.lastComment}, ""
		}
		if msg := sc.skipPhrase(g); msg != "" {
			return extracted{}, msg
		}
		if sc.cur() == '<' {
			return sc.angleAddr()
		}
		// A group's "phrase:" — the mailbox proper follows.
		g.found, g.allow = true, false
		sc.pos++
	}
}

// skipPhrase reads the words of a display name up to '<' (or ':' when a
// group may start here).
func (sc *scanner) skipPhrase(g *groupState) string {
	for sc.cur() != '<' && (!g.allow || sc.cur() != ':') {
		if _, msg := sc.readLocalPart(false); msg != "" {
			return msg + " (expected word or \"<\")"
		}
	}
	return ""
}

// strictAddrSpec finishes local-part@domain once the '@' is reached.
func (sc *scanner) strictAddrSpec(lp string, start int) (extracted, string) {
	sc.pos++
	sc.skipComment()
	read := sc.readDomain
	if sc.cur() == '[' {
		read = sc.readBareLiteral
	}
	dom, msg := read()
	if dom == "" {
		return extracted{}, msg
	}
	return extracted{addr: lp + "@" + dom, domain: len(lp) + 1, start: start, end: sc.lastComment}, ""
}

// bareRoute handles "@route:local@domain" without angle brackets.
func (sc *scanner) bareRoute(start int) (extracted, string) {
	if msg := sc.readRoute(); msg != "" {
		return extracted{}, msg
	}
	addr, dom, msg := sc.readAddrSpec(0)
	if msg != "" {
		return extracted{}, msg
	}
	if dom < 0 {
		return extracted{}, "domain missing in source-routed address"
	}
	return extracted{addr: addr, domain: dom, start: start, end: sc.lastComment}, ""
}

// angleAddr reads "<[route:]addr-spec>" starting at the '<'.
func (sc *scanner) angleAddr() (extracted, string) {
	sc.pos++
	brackets := 1
	if sc.opts.StripExcessAngleBrackets {
		for sc.cur() == '<' {
			if brackets > 5 {
				return extracted{}, "angle-brackets nested too deep"
			}
			brackets++
			sc.pos++
		}
	}
	r := extracted{start: sc.pos, domain: -1}
	sc.skipComment()
	routed := false
	if sc.cur() == '@' {
		if msg := sc.readRoute(); msg != "" {
			return extracted{}, msg
		}
		routed = true
	}
	if !sc.opts.AllowNull || routed || sc.cur() != '>' {
		var msg string
		r.addr, r.domain, msg = sc.readAddrSpec('>')
		if msg != "" {
			return extracted{}, msg
		}
		if routed && r.domain < 0 {
			return extracted{}, "domain missing in source-routed address"
		}
	}
	r.end = sc.pos
	if msg := sc.closeBrackets(brackets); msg != "" {
		return extracted{}, msg
	}
	sc.skipComment()
	return r, ""
}

func (sc *scanner) closeBrackets(n int) string {
	for ; n > 0; n-- {
		c := sc.cur()
		sc.pos++
		if c == '>' {
			continue
		}
		if c == 0 {
			return "'>' missing at end of address"
		}
		return sc.mayNotFollow(sc.pos - 1)
	}
	return ""
}
