package spool

import "strings"

// HeaderLines gives a message's header lines to expansions: $h_name:
// (Header) and $message_headers (AllHeaders), skipping the lines marked
// old (removed or rewritten), as Exim's do.
type HeaderLines []HeaderLine

// Header is every live instance of the named header (case-insensitive),
// each the text after the colon, folding included.
func (hl HeaderLines) Header(name string) []string {
	var out []string
	for _, l := range hl {
		if l.Type == HeaderOld {
			continue
		}
		n, v, ok := strings.Cut(l.Text, ":")
		if ok && strings.EqualFold(strings.TrimRight(n, " \t"), name) {
			out = append(out, v)
		}
	}
	return out
}

// AllHeaders is every live header line, whole, in order.
func (hl HeaderLines) AllHeaders() []string {
	var out []string
	for _, l := range hl {
		if l.Type != HeaderOld {
			out = append(out, l.Text)
		}
	}
	return out
}
