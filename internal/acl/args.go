package acl

import "strings"

// dequoteWord takes the next word of s as Exim's string_dequote does: up
// to white space, or a double-quoted string with backslash escapes. It
// returns the word and the rest of s.
func dequoteWord(s string) (word, rest string) {
	if !strings.HasPrefix(s, `"`) {
		i := strings.IndexAny(s, " \t\n\r\f\v")
		if i < 0 {
			return s, ""
		}
		return s[:i], s[i:]
	}
	var b strings.Builder
	i := 1
	for i < len(s) && s[i] != '"' {
		if s[i] == '\\' && i+1 < len(s) {
			c, next := escapeAt(s, i)
			b.WriteByte(c)
			i = next
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

// escapeAt decodes the backslash escape at s[i] (Exim's
// string_interpret_escape) and gives the index after it.
func escapeAt(s string, i int) (byte, int) {
	c := s[i+1]
	i += 2
	if c >= '0' && c <= '7' {
		v := int(c - '0')
		for k := 0; k < 2 && i < len(s) && s[i] >= '0' && s[i] <= '7'; k++ {
			v = v*8 + int(s[i]-'0')
			i++
		}
		return byte(v), i
	}
	if c == 'x' {
		v := 0
		for k := 0; k < 2 && i < len(s) && hexDigit(s[i]) >= 0; k++ {
			v = v*16 + hexDigit(s[i])
			i++
		}
		return byte(v), i
	}
	if e, ok := map[byte]byte{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}[c]; ok {
		return e, i
	}
	return c, i
}

func hexDigit(c byte) int {
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
