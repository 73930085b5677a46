package funcs

import "strings"

// InterpretEscape is Exim's string_interpret_escape for the text after a
// backslash: \b \f \n \r \t \v, up to three octal digits, \x with up to
// two hex digits; any other character stands for itself. It returns the
// byte and how many bytes of s it used.
func InterpretEscape(s string) (byte, int) {
	switch c := s[0]; {
	case c >= '0' && c <= '7':
		v, n := 0, 0
		for n < 3 && n < len(s) && s[n] >= '0' && s[n] <= '7' {
			v = v*8 + int(s[n]-'0')
			n++
		}
		return byte(v), n
	case c == 'x':
		v, n := 0, 1
		for n < 3 && n < len(s) && hexDigitValue(s[n]) >= 0 {
			v = v*16 + hexDigitValue(s[n])
			n++
		}
		return byte(v), n
	}
	switch c := s[0]; c {
	case 'b':
		return '\b', 1
	case 'f':
		return '\f', 1
	case 'n':
		return '\n', 1
	case 'r':
		return '\r', 1
	case 't':
		return '\t', 1
	case 'v':
		return '\v', 1
	default:
		return c, 1
	}
}

func hexDigitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// Dequote is Exim's string_dequote on text whose leading white space the
// caller has skipped: a double-quoted string (with backslash escapes) or
// a run of non-space characters; it returns the item and the rest.
func Dequote(s string) (item, rest string) {
	if !strings.HasPrefix(s, `"`) {
		end := strings.IndexAny(s, " \t\n\r\f\v")
		if end < 0 {
			return s, ""
		}
		return s[:end], s[end:]
	}
	return QuotedString(s[1:])
}

// QuotedString reads the text after an opening double quote up to the
// closing one (or the end), interpreting backslash escapes; rest follows
// the closing quote.
func QuotedString(s string) (str, rest string) {
	var b strings.Builder
	i := 0
	for i < len(s) && s[i] != '"' {
		if s[i] == '\\' && i+1 < len(s) {
			c, n := InterpretEscape(s[i+1:])
			b.WriteByte(c)
			i += 1 + n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	if i < len(s) {
		i++ // the closing quote
	}
	return b.String(), s[i:]
}
