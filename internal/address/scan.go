package address

import "strings"

// scanner walks an address the way Exim's parse.c does: a byte at a time,
// with the end of the text (or a NUL, as in C) reading as 0.
type scanner struct {
	s   string
	pos int
	// lastComment is where the most recent skipComment started; Exim uses
	// it to leave trailing comments out of an address's extent.
	lastComment int
	opts        Options
}

func (sc *scanner) at(i int) byte {
	if i < len(sc.s) {
		return sc.s[i]
	}
	return 0
}

func (sc *scanner) cur() byte { return sc.at(sc.pos) }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isXDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isSpecialOrControl reports bytes that end an RFC 822 atom: controls,
// space and the specials. NUL counts too, which ends the text.
func isSpecialOrControl(c byte) bool {
	return c < ' ' || c == 127 || strings.IndexByte(" ()<>@,;:\\\".[]", c) >= 0
}

// skipComment skips white space and (nested) comments.
func (sc *scanner) skipComment() {
	sc.lastComment = sc.pos
	for sc.cur() != 0 {
		for isSpace(sc.cur()) {
			sc.pos++
		}
		if sc.cur() != '(' {
			return
		}
		sc.skipOneComment()
	}
}

// skipOneComment moves past a comment starting at '('; an unterminated one
// runs to the end.
func (sc *scanner) skipOneComment() {
	level := 1
	for {
		sc.pos++
		c := sc.cur()
		switch {
		case c == 0:
			return
		case c == '(':
			level++
		case c == ')':
			level--
			if level <= 0 {
				sc.pos++
				return
			}
		case c == '\\' && sc.at(sc.pos+1) != 0:
			sc.pos++
		}
	}
}

// readLocalPart reads dot-separated words (quoted strings or atoms that may
// hold backslash pairs), collapsing runs of dots as Exim does.
func (sc *scanner) readLocalPart(allowNull bool) (string, string) {
	var out strings.Builder
	for {
		before := out.Len()
		sc.skipComment()
		if sc.cur() == '"' {
			if !sc.readQuoted(&out) {
				return out.String(), "unmatched doublequote in local part"
			}
		} else {
			sc.readAtom(&out)
		}
		sc.skipComment()
		if out.Len() == before && sc.cur() != '.' {
			if out.Len() == 0 && !allowNull {
				return "", "missing or malformed local part"
			}
			return out.String(), ""
		}
		if sc.cur() != '.' {
			return out.String(), ""
		}
		for sc.cur() == '.' {
			out.WriteByte('.')
			sc.pos++
		}
	}
}

// readQuoted copies a quoted string, quotes and backslash pairs included.
func (sc *scanner) readQuoted(out *strings.Builder) bool {
	out.WriteByte('"')
	for {
		sc.pos++
		c := sc.cur()
		if c == 0 {
			return false
		}
		if c == '"' {
			sc.pos++
			out.WriteByte('"')
			return true
		}
		out.WriteByte(c)
		if c == '\\' && sc.at(sc.pos+1) != 0 {
			sc.pos++
			out.WriteByte(sc.cur())
		}
	}
}

func (sc *scanner) readAtom(out *strings.Builder) {
	for c := sc.cur(); c == '\\' || !isSpecialOrControl(c); c = sc.cur() {
		out.WriteByte(c)
		sc.pos++
		if c == '\\' && sc.cur() != 0 {
			out.WriteByte(sc.cur())
			sc.pos++
		}
	}
}

// readDomain reads a dotted domain or a domain literal. On error the
// domain is empty.
func (sc *scanner) readDomain() (string, string) {
	sc.skipComment()
	if sc.cur() == '[' {
		return sc.readDomainLiteral()
	}
	var out strings.Builder
	for {
		before := out.Len()
		if sc.cur() != '-' {
			if msg := sc.readSubdomain(&out); msg != "" {
				return "", msg
			}
		}
		sc.skipComment()
		if out.Len() == before {
			if sc.opts.StripTrailingDot && before > 0 && sc.cur() != '.' {
				return out.String()[:before-1], ""
			}
			return "", "domain missing or malformed"
		}
		if sc.cur() != '.' {
			return out.String(), ""
		}
		out.WriteByte('.')
		sc.pos++
		sc.skipComment()
	}
}

// readSubdomain copies letters, digits and hyphens, plus well-formed UTF-8
// sequences when allow_utf8_domains is set.
func (sc *scanner) readSubdomain(out *strings.Builder) string {
	for {
		c := sc.cur()
		if isAlnum(c) || c == '-' {
			out.WriteByte(c)
			sc.pos++
			continue
		}
		if !sc.opts.AllowUTF8Domains || c&0xc0 != 0xc0 {
			return ""
		}
		extra := utf8Extra(c)
		if extra == 6 {
			return "invalid UTF-8 byte sequence"
		}
		out.WriteByte(c)
		sc.pos++
		for ; extra > 0; extra-- {
			if sc.cur()&0xc0 != 0x80 {
				return "invalid UTF-8 byte sequence"
			}
			out.WriteByte(sc.cur())
			sc.pos++
		}
	}
}

// utf8Extra counts the continuation bytes a lead byte announces (6 means
// the lead byte is invalid).
func utf8Extra(lead byte) int {
	d := int(lead) << 2
	i := 1
	for ; i < 6; i++ {
		if d&0x80 == 0 {
			break
		}
		d <<= 1
	}
	return i
}

// readDomainLiteral reads "[" digits, dots, hex digits and colons "]",
// with an optional IPv4:/IPv6: tag, as in route addresses and <addr-spec>.
// Without allow_domain_literals any literal is refused, and that message
// wins over "malformed".
func (sc *scanner) readDomainLiteral() (string, string) {
	start := sc.pos
	sc.pos++
	if tag := sc.s[sc.pos:min(sc.pos+5, len(sc.s))]; strings.EqualFold(tag, "IPv6:") || strings.EqualFold(tag, "IPv4:") {
		sc.pos += 5
	}
	for c := sc.cur(); c == '.' || c == ':' || isXDigit(c); c = sc.cur() {
		sc.pos++
	}
	return sc.closeLiteral(start, !sc.opts.AllowDomainLiterals)
}

// readBareLiteral reads the domain literal of an unbracketed
// local@[literal]: Exim 4.96 takes any RFC 5321 dtext there (printable
// ASCII but "[", "]" and backslash) whatever allow_domain_literals says.
func (sc *scanner) readBareLiteral() (string, string) {
	start := sc.pos
	sc.pos++
	for c := sc.cur(); c > ' ' && c < 127 && c != '[' && c != ']' && c != '\\'; c = sc.cur() {
		sc.pos++
	}
	return sc.closeLiteral(start, false)
}

// closeLiteral expects the "]" and skips what follows.
func (sc *scanner) closeLiteral(start int, refuse bool) (string, string) {
	msg := ""
	if sc.cur() == ']' {
		sc.pos++
	} else {
		msg = "malformed domain literal"
	}
	if refuse {
		msg = "domain literals not allowed"
	}
	lit := sc.s[start:sc.pos]
	sc.skipComment()
	if msg != "" {
		return "", msg
	}
	return lit, ""
}

// readRoute reads "@dom,@dom:" source routes, which Exim discards.
func (sc *scanner) readRoute() string {
	commas := false
	for sc.cur() == '@' {
		sc.pos++
		dom, msg := sc.readDomain()
		if dom == "" {
			return msg
		}
		if sc.cur() != ',' {
			break
		}
		sc.pos++
		commas = true
		sc.skipComment()
	}
	if sc.cur() == ':' {
		sc.pos++
		sc.skipComment()
		return ""
	}
	sc.skipComment()
	if commas {
		return "colon expected after route list"
	}
	return "no local part"
}

// readAddrSpec reads local-part[@domain] up to term (0 or '>'); domain
// is -1 when there is no "@".
func (sc *scanner) readAddrSpec(term byte) (addr string, domain int, msg string) {
	lp, msg := sc.readLocalPart(false)
	if msg != "" || sc.cur() == term {
		return lp, -1, msg
	}
	if sc.cur() != '@' {
		return lp, -1, "\"@\" or \".\" expected after \"" + lp + "\""
	}
	sc.pos++
	dom, msg := sc.readDomain()
	return lp + "@" + dom, len(lp) + 1, msg
}
