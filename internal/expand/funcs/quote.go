package funcs

import (
	"fmt"
	"strings"
)

// Quote is ${quote:}: the string unchanged when it is non-empty and only
// has letters, digits, "_", "-" and "."; otherwise in double quotes with
// \ and " escaped and newline and CR written as \n and \r.
func Quote(s string) string {
	needs := s == ""
	for i := 0; i < len(s) && !needs; i++ {
		c := s[i]
		needs = !isAlnum(c) && c != '_' && c != '-' && c != '.'
	}
	if !needs {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// RxQuote is ${rxquote:}: a backslash before every byte that is not an
// ASCII letter or digit.
func RxQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Escape is ${escape:}, Exim's string_printing(): non-printing bytes as
// \n \r \b \v \f or three octal digits. Tab counts as printing.
func Escape(s string) string { return Printing(s, false, false) }

// Printing is Exim's string_printing2(): as Escape, and also escaping tab
// (as \t) and space (as \040) when asked, as some log and error texts do.
func Printing(s string, escapeTab, escapeSpace bool) string {
	return printing(s, escapeTab, escapeSpace, false)
}

// EscapeTopBit is ${escape:} under print_topbitchars: bytes with the top
// bit set are left as they are.
func EscapeTopBit(s string) string { return printing(s, false, false, true) }

func printing(s string, escapeTab, escapeSpace, topBit bool) string {
	clean := func(c byte) bool {
		if c == '\t' {
			return !escapeTab
		}
		if c == ' ' {
			return !escapeSpace
		}
		return (c > ' ' && c < 0x7f) || (topBit && c >= 0x80)
	}
	i := 0
	for i < len(s) && clean(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if clean(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteString(printingEscape(c))
	}
	return b.String()
}

func printingEscape(c byte) string {
	switch c {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\b':
		return `\b`
	case '\v':
		return `\v`
	case '\f':
		return `\f`
	case '\t':
		return `\t`
	}
	return fmt.Sprintf(`\%03o`, c)
}

// Escape8bit is ${escape8bit:}: bytes from 127 up, and backslash, as \ooo.
func Escape8bit(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 127 && c != '\\' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, `\%03o`, c)
		}
	}
	return b.String()
}

// HexQuote is ${hexquote:}: bytes outside 0x21..0x7e as \xNN.
func HexQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e {
			fmt.Fprintf(&b, `\x%02x`, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}
