package router

import (
	"strings"

	"exigo/internal/address"
	"exigo/internal/lists"
)

// splitLocalPart is Exim's deliver_split_address without the percent
// hack: the domain (lower-cased) after the last '@', and the local part
// with its quoting removed (unescaped backslashes and double quotes).
func splitLocalPart(addr string) (localPart, domain string) {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr, ""
	}
	return address.DequoteLocalPart(addr[:at]), strings.ToLower(addr[at+1:])
}

// matchPrefix is Exim's route_check_prefix: the length of the first
// prefix in the list that starts localPart (caselessly), 0 for none. A
// prefix "*x" matches up to the last "x" in the local part; vlen is then
// the length of the part the "*" stood for.
func matchPrefix(localPart, prefixes string) (plen, vlen int) {
	for _, p := range lists.Split(prefixes) {
		if p == "" {
			continue
		}
		if p[0] == '*' {
			fixed := p[1:]
			for i := len(localPart) - len(fixed); i >= 0; i-- {
				if strings.EqualFold(localPart[i:i+len(fixed)], fixed) {
					return i + len(fixed), i
				}
			}
			continue
		}
		if len(p) <= len(localPart) && strings.EqualFold(localPart[:len(p)], p) {
			return len(p), 0
		}
	}
	return 0, 0
}

// matchSuffix is route_check_suffix: the length of the first suffix in
// the list that ends localPart, 0 for none. A suffix "x*" matches from
// the first "x"; vlen is the length of what the "*" stood for. A fixed
// suffix must leave something before it.
func matchSuffix(localPart, suffixes string) (slen, vlen int) {
	n := len(localPart)
	for _, s := range lists.Split(suffixes) {
		if s == "" {
			continue
		}
		if s[len(s)-1] == '*' {
			fixed := s[:len(s)-1]
			for i := 0; i+len(fixed) <= n; i++ {
				if strings.EqualFold(localPart[i:i+len(fixed)], fixed) {
					return n - i, n - i - len(fixed)
				}
			}
			continue
		}
		if n > len(s) && strings.EqualFold(localPart[n-len(s):], s) {
			return len(s), 0
		}
	}
	return 0, 0
}
