package funcs

import (
	"fmt"
	"strings"
)

// QuoteRFC2047 is Exim's parse_quote_2047 without folding: s as
// Q-encoded words in charset when any byte needs it, s unchanged
// otherwise. Exim counts the first word's length without its
// "=?charset?Q?" prefix, the later ones with it.
func QuoteRFC2047(s, charset string) string {
	prefix := "=?" + charset + "?Q?"
	var b strings.Builder
	b.WriteString(prefix)
	lineStart, coded, firstByte := b.Len(), false, false
	for k := 0; k < len(s); k++ {
		if b.Len()-lineStart > 67 && !firstByte {
			b.WriteString("?= ")
			lineStart = b.Len()
			b.WriteString(prefix)
		}
		c := s[k]
		switch {
		case c == ' ':
			b.WriteByte('_')
			firstByte = false
		case c < 33 || c > 126 || strings.IndexByte("?=()<>@,;:\\\".[]_", c) >= 0:
			fmt.Fprintf(&b, "=%02X", c)
			coded = true
			firstByte = !firstByte
		default:
			b.WriteByte(c)
			firstByte = false
		}
	}
	if !coded {
		return s
	}
	b.WriteString("?=")
	return b.String()
}
