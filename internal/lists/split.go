package lists

import "strings"

// Iter walks an Exim list item by item. Items without a doubled
// separator are returned as substrings of the list (no allocation).
type Iter struct {
	rest  string
	sep   byte
	ready bool // the separator is known (given, or the "<c" prefix read)
}

// NewIter iterates over list with the default ':' separator, which a
// leading "<c" changes.
func NewIter(list string) Iter { return Iter{rest: list} }

// NewIterSep iterates over list with the fixed separator sep; no "<c"
// prefix is recognized.
func NewIterSep(list string, sep byte) Iter {
	return Iter{rest: list, sep: sep, ready: true}
}

// Sep is the separator in use (known after the first call of Next).
func (it *Iter) Sep() byte { return it.sep }

// Rest is the part of the list not yet consumed.
func (it *Iter) Rest() string { return it.rest }

// Next returns the next item; ok is false at the end of the list.
func (it *Iter) Next() (item string, ok bool) {
	s := it.skipSpace(it.rest)
	if !it.ready {
		s = it.readSeparator(s)
	}
	if s == "" {
		it.rest = ""
		return "", false
	}
	special := isCntrl(it.sep)
	if s[0] == it.sep && (len(s) < 2 || s[1] != it.sep || special) {
		it.rest = s[1:]
		return "", true
	}
	item, it.rest = cutItem(s, it.sep, special)
	return trimItemEnd(item), true
}

// readSeparator handles a leading "<c" (c punctuation or a control
// character, NUL at the end of the string included, as in C).
func (it *Iter) readSeparator(s string) string {
	it.ready = true
	it.sep = ':'
	if len(s) == 0 || s[0] != '<' {
		return s
	}
	if len(s) == 1 {
		it.sep = 0 // "<" then the terminating NUL: an empty list
		return ""
	}
	if !isPunct(s[1]) && !isCntrl(s[1]) {
		return s
	}
	it.sep = s[1]
	return it.skipSpace(s[2:])
}

func (it *Iter) skipSpace(s string) string {
	i := 0
	for i < len(s) && isSpace(s[i]) && s[i] != it.sep {
		i++
	}
	return s[i:]
}

// cutItem takes one item off s (which starts with a data character):
// a doubled printing separator stands for one separator character.
func cutItem(s string, sep byte, special bool) (item, rest string) {
	var b *strings.Builder
	if s[0] == sep { // a leading doubled separator: one data character
		s = s[1:]
	}
	from := 1 // s[0] is data even when it is a separator
	for {
		i := strings.IndexByte(s[from:], sep)
		if i < 0 { // no separator: the item runs to the end
			return joinPart(b, s), ""
		}
		i += from
		if special || i+1 >= len(s) || s[i+1] != sep {
			return joinPart(b, s[:i]), s[i+1:]
		}
		if b == nil {
			b = &strings.Builder{}
		}
		b.WriteString(s[:i+1])
		s, from = s[i+2:], 0
	}
}

func joinPart(b *strings.Builder, last string) string {
	if b == nil {
		return last
	}
	b.WriteString(last)
	return b.String()
}

// trimItemEnd drops trailing white space, but keeps a white space
// character that follows a backslash (as Exim does).
func trimItemEnd(s string) string {
	n := len(s)
	for n > 0 && isSpace(s[n-1]) && (n == 1 || s[n-2] != '\\') {
		n--
	}
	return s[:n]
}

// Split splits an Exim list with the default ':' separator, which a
// leading "<c" changes.
func Split(list string) []string {
	return collect(NewIter(list))
}

// SplitSep splits list with the fixed separator sep.
func SplitSep(list string, sep byte) []string {
	return collect(NewIterSep(list, sep))
}

func collect(it Iter) []string {
	var out []string
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		out = append(out, item)
	}
	return out
}

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// isCntrl is C's iscntrl in the C locale.
func isCntrl(c byte) bool { return c < 0x20 || c == 0x7f }

// isPunct is C's ispunct in the C locale.
func isPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !isDigit(c) && !isAlpha(c)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
