package address

import "strings"

// DequoteLocalPart removes the quoting of an address's local part as
// Exim's deliver_split_address does: double quotes go, and a backslash
// gives the character after it.
func DequoteLocalPart(lp string) string {
	if !strings.ContainsAny(lp, "\"\\") {
		return lp
	}
	var b strings.Builder
	for i := 0; i < len(lp); i++ {
		switch c := lp[i]; c {
		case '"':
		case '\\':
			if i+1 < len(lp) {
				i++
				b.WriteByte(lp[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
