package rewrite

import (
	"strings"

	"exigo/internal/expand/funcs"
)

// FixPhrase repairs the display name of a "w" replacement as Exim's
// parse_fix_phrase does: text with control or 8-bit characters becomes
// RFC 2047 words in charset (headers_charset); otherwise specials are
// put in quotes, the whole phrase when it has no quoted strings of its
// own, only the offending word when it has.
func FixPhrase(s, charset string) string {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 32 && c != '\t' || c > 126 {
			return funcs.QuoteRFC2047(s, charset)
		}
	}
	f := phraseFixer{s: s}
	return f.run()
}

type phraseFixer struct {
	s      string
	i      int
	out    []byte
	lead   bool // the whole output so far is to be put in quotes
	quoted bool // the phrase has quoted strings of its own
}

func (f *phraseFixer) run() string {
	for f.i < len(f.s) {
		c := f.s[f.i]
		f.i++
		switch {
		case c == '"':
			if !f.copyQuoted() {
				return f.result()
			}
			f.quoted = true
		case c == '(':
			f.copyComment()
		case strings.IndexByte(")<>@,;:\\.[]", c) >= 0:
			if f.quoted {
				f.quoteWord(c)
			} else {
				f.quoteRest(c)
			}
		default:
			f.out = append(f.out, c)
		}
	}
	return f.result()
}

func (f *phraseFixer) result() string {
	if f.lead {
		return `"` + string(f.out)
	}
	return string(f.out)
}

// copyQuoted copies a quoted string; false when it ran to the end.
func (f *phraseFixer) copyQuoted() bool {
	f.out = append(f.out, '"')
	for f.i < len(f.s) {
		c := f.s[f.i]
		f.i++
		if c == '"' {
			break
		}
		f.out = append(f.out, c)
		if c == '\\' && f.i < len(f.s) {
			f.out = append(f.out, f.s[f.i])
			f.i++
		}
	}
	f.out = append(f.out, '"')
	return f.i < len(f.s)
}

// copyComment copies a (nested) comment, noting quotes inside it.
func (f *phraseFixer) copyComment() {
	f.out = append(f.out, '(')
	level := 1
	for f.i < len(f.s) {
		c := f.s[f.i]
		f.i++
		f.out = append(f.out, c)
		switch {
		case c == '(':
			level++
		case c == ')':
			if level--; level <= 0 {
				return
			}
		case c == '\\' && f.i < len(f.s):
			f.out = append(f.out, f.s[f.i]&127)
			f.i++
		case c == '"':
			f.quoted = true
		}
	}
}

// quoteWord quotes just the word holding a special character.
func (f *phraseFixer) quoteWord(c byte) {
	k := len(f.out)
	for k > 0 && f.out[k-1] != ' ' && f.out[k-1] != '"' && f.out[k-1] != ')' {
		k--
	}
	f.out = append(f.out[:k], append([]byte{'"'}, f.out[k:]...)...)
	f.out = append(f.out, c)
	for f.i < len(f.s) && f.s[f.i] != ' ' && f.s[f.i] != '"' {
		f.out = append(f.out, f.s[f.i])
		f.i++
	}
	f.out = append(f.out, '"')
}

// quoteRest puts everything so far and what follows, up to a quoted
// string or a comment with quotes in it, in quotes.
func (f *phraseFixer) quoteRest(c byte) {
	f.lead = true
	f.out = append(f.out, c)
	escaped := c == '\\'
	for f.i < len(f.s) {
		c := f.s[f.i]
		f.i++
		switch {
		case escaped:
			f.out = append(f.out, c)
			escaped = false
		case c == '\\':
			f.out = append(f.out, c)
			escaped = true
		case c == '"':
			f.closeBeforeSpaces()
			f.i-- // the quoted string is handled by the main loop
			return
		case c == '(':
			if f.commentHasQuote() {
				f.closeBeforeSpaces()
				return
			}
			f.copyCommentInQuotes()
		default:
			f.out = append(f.out, c)
		}
	}
	f.out = append(f.out, '"')
}

// closeBeforeSpaces ends the quoted run before any trailing spaces.
func (f *phraseFixer) closeBeforeSpaces() {
	n := 0
	for len(f.out) > 0 && f.out[len(f.out)-1] == ' ' {
		f.out = f.out[:len(f.out)-1]
		n++
	}
	f.out = append(f.out, '"')
	f.out = append(f.out, strings.Repeat(" ", n)...)
}

// commentHasQuote looks ahead through the comment starting at f.i.
func (f *phraseFixer) commentHasQuote() bool {
	level := 1
	for j := f.i; j < len(f.s); j++ {
		switch c := f.s[j]; {
		case c == '(':
			level++
		case c == ')':
			if level--; level <= 0 {
				return false
			}
		case c == '\\' && j+2 < len(f.s):
			j++
		case c == '"':
			f.quoted = true
			return true
		}
	}
	return false
}

// copyCommentInQuotes copies a comment without quotes into the run.
func (f *phraseFixer) copyCommentInQuotes() {
	f.out = append(f.out, '(')
	level := 1
	j := f.i
	for j < len(f.s) {
		c := f.s[j]
		j++
		if c == '(' {
			level++
		} else if c == ')' {
			if level--; level <= 0 {
				break
			}
		} else if c == '\\' && j+1 < len(f.s) {
			j++
		}
	}
	if j >= len(f.s) {
		j--
	}
	f.out = append(f.out, f.s[f.i:j]...)
	f.i = j
}
