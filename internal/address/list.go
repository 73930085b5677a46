package address

import (
	"fmt"
	"strings"
)

// FindEnd returns the offset of the comma (or newline, when nlEnds) that
// ends the address starting at s[0], or len(s). Commas inside quotes,
// comments, angle brackets and source routes do not count.
func FindEnd(s string, nlEnds bool) int {
	routing := s != "" && s[0] == '@'
	noTerm := 0
	if routing {
		noTerm = 1
	}
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	i := 0
	for ; i < len(s) && s[i] != 0 && (s[i] != ',' || noTerm > 0) && (s[i] != '\n' || !nlEnds); i++ {
		switch c := s[i]; {
		case c == '\\' && at(i+1) != 0:
			i++
		case c == '"':
			i = skipQuotedForEnd(s, i, nlEnds) - 1
		case c == '(':
			i = skipCommentForEnd(s, i, nlEnds) - 1
		case c == '<':
			routing = at(i+1) == '@'
			noTerm = 1
			if routing {
				noTerm = 2
			}
		case c == '>':
			noTerm--
		case c == ':' && routing:
			noTerm--
		}
	}
	return i
}

// skipQuotedForEnd returns the offset just past the quoted string that
// starts at i (or where it was cut short).
func skipQuotedForEnd(s string, i int, nlEnds bool) int {
	for i++; i < len(s) && s[i] != 0 && (s[i] != '\n' || !nlEnds); i++ {
		if s[i] == '\\' && i+1 < len(s) && s[i+1] != 0 {
			i++
		} else if s[i] == '"' {
			return i + 1
		}
	}
	return i
}

// skipCommentForEnd does the same for a (nested) comment.
func skipCommentForEnd(s string, i int, nlEnds bool) int {
	level := 1
	for i++; i < len(s) && s[i] != 0 && (s[i] != '\n' || !nlEnds); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] != 0:
			i++
		case s[i] == '(':
			level++
		case s[i] == ')':
			level--
			if level <= 0 {
				return i + 1
			}
		}
	}
	return i
}

// Item is one entry of a header-style address list.
type Item struct {
	Parsed
	// Start and End locate the address within the whole list text.
	Start, End int
	Err        error
}

// ExtractAll splits a header-style list (comma separated, with RFC 822
// groups allowed) and extracts every mailbox, keeping failures (an empty
// group such as "undisclosed-recipients:;" yields one failed item).
func (o Options) ExtractAll(list string) []Item {
	if i := strings.IndexByte(list, 0); i >= 0 {
		list = list[:i]
	}
	g := groupState{allow: true}
	var items []Item
	for off := 0; ; {
		n := FindEnd(list[off:], false)
		p, start, end, err := o.extract(list[off:off+n], &g)
		items = append(items, Item{Parsed: p, Start: off + start, End: off + end, Err: err})
		off += n
		if off >= len(list) {
			return items
		}
		off++
	}
}

// Addresses is the ${addresses:} operator. Its error (a ">" with no
// separator after it) makes the operator's result empty here; use
// AddressList to see it.
func Addresses(s string) string {
	out, _ := AddressList(s)
	return out
}

// AddressList is ${addresses:}: the valid addresses of a header-style
// list joined by ':' (or by c when s starts with ">c"), a separator
// inside an address being doubled as Exim lists require.
func AddressList(s string) (string, error) {
	sep := byte(':')
	rest := strings.TrimLeft(s, " \t\n\v\f\r")
	if rest != "" && rest[0] == '>' {
		if len(rest) < 2 || rest[1] == 0 {
			return "", fmt.Errorf("output separator missing in expanding ${addresses:%s}", rest)
		}
		sep = rest[1]
		rest = rest[2:]
	}
	var b strings.Builder
	for _, it := range (Options{}).ExtractAll(rest) {
		if it.Err != nil {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(sep)
			if strings.HasPrefix(it.Address, string(sep)) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(strings.ReplaceAll(it.Address, string(sep), string([]byte{sep, sep})))
	}
	return b.String(), nil
}
