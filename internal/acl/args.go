package acl

import "exigo/internal/expand/funcs"

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
	c, n := funcs.InterpretEscape(s[i+1:])
	return c, i + 1 + n
}
