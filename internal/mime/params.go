package mime

import "strings"

// addHeader takes one header line from readHeader into the part, if it is
// one of the five Exim looks at: its value up to the first ';', lower
// cased, and the parameters after it.
func (p *Part) addHeader(h string) {
	for _, mh := range mimeHeaders {
		if !hasPrefixFold(h, mh.name) {
			continue
		}
		rest := h[len(mh.name):]
		end := strings.IndexByte(rest, ';')
		if end < 0 {
			end = len(rest)
		}
		*mh.field(p) = lowerASCII(rest[:end])
		rest = rest[end:]
		if rest != "" {
			rest = rest[1:]
		}
		p.addParams(rest, mh.name == "content-disposition:")
	}
}

// rfc2231Name gathers a file name given in RFC 2231 pieces
// (filename*0*=utf-8'en'a%20b; filename*1=c) over one header line.
type rfc2231Name struct {
	raw     strings.Builder // the values as given, used when decoding fails
	decoded strings.Builder
	charset string
	failed  bool
}

// addParams reads the parameters of one header line, as the Exim 4.96
// that Debian ships does (with the fix for CVE-2024-39929: RFC 2231
// continuations and charsets for name and filename in any header).
func (p *Part) addParams(s string, disposition bool) {
	var name rfc2231Name
	for s != "" {
		s = p.nextParam(s, &name)
	}
	if disposition && name.failed {
		p.Filename = name.raw.String()
	}
}

// nextParam handles the parameter at the start of s and returns the rest
// of the line after it.
func (p *Part) nextParam(s string, name *rfc2231Name) string {
	for _, mp := range mimeParams {
		if !hasPrefixFold(s, mp.name) {
			continue
		}
		s = s[len(mp.name):] // stays consumed even if nothing follows
		switch {
		case strings.HasPrefix(s, "*"):
			s = strings.TrimLeft(s[1:], "0123456789")
			s = strings.TrimPrefix(s, "*")
			if !strings.HasPrefix(s, "=") {
				continue
			}
			val, rest := paramValue(s[1:])
			if val != "" {
				name.add(val, mp.name == "name" || mp.name == "filename", p)
			}
			return skipSemicolon(rest)
		case strings.HasPrefix(s, "="):
			val, rest := paramValue(s[1:])
			*mp.field(p) = ""
			if val != "" {
				*mp.field(p) = decode2047(val, p.msg == nil || !p.msg.LongWords, ' ')
			}
			return skipSemicolon(rest)
		}
	}
	return skipSemicolon(nextSemicolon(s))
}

// add takes one RFC 2231 piece: the first one with a quote in it gives
// the charset; the text after the quote (and any quotes right after it:
// Exim keeps a language tag) is %-decoded through an RFC 2047 word.
func (n *rfc2231Name) add(val string, isName bool, p *Part) {
	n.raw.WriteString(val)
	if n.failed {
		return
	}
	text := val
	if n.charset == "" {
		if q := strings.IndexByte(val, '\''); q >= 0 {
			n.charset = val[:q]
			text = strings.TrimLeft(val[q+1:], "'")
		}
	}
	word := rfc2231Word(text, n.charset)
	decoded := decode2047(word, false, ' ')
	if len(decoded) == len(word) {
		n.failed = true
		return
	}
	if isName {
		n.decoded.WriteString(decoded)
		p.Filename = n.decoded.String()
	}
}

// rfc2231Word turns %XX escapes into an RFC 2047 "Q" word.
func rfc2231Word(s, charset string) string {
	var b strings.Builder
	b.WriteString("=?" + charset + "?Q?")
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isXDigit(s[i+1]) && isXDigit(s[i+2]) {
			b.WriteString("=" + s[i+1:i+3])
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	b.WriteString("?=")
	return b.String()
}

// paramValue reads a value up to an unquoted ';', removing double quotes.
func paramValue(s string) (val, rest string) {
	var b strings.Builder
	i := 0
	for i < len(s) && s[i] != ';' {
		if s[i] != '"' {
			b.WriteByte(s[i])
			i++
			continue
		}
		i++
		for i < len(s) && s[i] != '"' {
			b.WriteByte(s[i])
			i++
		}
		if i < len(s) {
			i++
		}
	}
	return b.String(), s[i:]
}

// nextSemicolon skips to the next ';' outside double quotes.
func nextSemicolon(s string) string {
	_, rest := paramValue(s)
	return rest
}

func skipSemicolon(s string) string {
	if s != "" {
		return s[1:]
	}
	return s
}
