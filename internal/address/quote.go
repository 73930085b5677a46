package address

import "strings"

// atext are the RFC 2822 atom characters besides letters and digits.
const atext = "!#$%&'*+-/=?^_`{|}~"

// IsDotAtom reports whether lp can stand unquoted as a local part (the
// ${quote_local_part:} test): non-empty atext, with dots allowed anywhere
// but first and last. Bytes above 127 need quoting, as in Exim.
func IsDotAtom(lp string) bool {
	if lp == "" {
		return false
	}
	for i := 0; i < len(lp); i++ {
		c := lp[i]
		if isAlnum(c) || strings.IndexByte(atext, c) >= 0 {
			continue
		}
		if c != '.' || i == 0 || i == len(lp)-1 {
			return false
		}
	}
	return true
}

// QuoteLocalPart is ${quote_local_part:}: lp unchanged when it is a
// dot-atom, otherwise in double quotes with '\' and '"' escaped and
// CR/LF written as \r and \n.
func QuoteLocalPart(lp string) string {
	if IsDotAtom(lp) {
		return lp
	}
	var b strings.Builder
	b.Grow(len(lp) + 2)
	b.WriteByte('"')
	for i := 0; i < len(lp); i++ {
		switch c := lp[i]; c {
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

// FindAt is Exim's parse_find_at: the offset of the '@' that starts the
// domain of a possibly unqualified address, or -1. Searching from the
// right, a '"' means there is no domain, and an '@' escaped by an odd
// number of backslashes does not count.
func FindAt(addr string) int {
	for i := len(addr) - 1; i >= 0; i-- {
		switch addr[i] {
		case '"':
			return -1
		case '@':
			if escapedBy(addr, i)%2 == 0 {
				return i
			}
		}
	}
	return -1
}

// escapedBy counts the backslashes before addr[i] the way Exim does,
// which never looks at addr[0].
func escapedBy(addr string, i int) int {
	n := 0
	for j := i - 1; j > 0 && addr[j] == '\\'; j-- {
		n++
	}
	return n
}

// SplitAddress splits an already extracted address at its domain '@'
// (see FindAt); domain is "" when the address is unqualified.
func SplitAddress(addr string) (localPart, domain string) {
	at := FindAt(addr)
	if at < 0 {
		return addr, ""
	}
	return addr[:at], addr[at+1:]
}
