package bounce

import (
	"net/mail"
	"strings"

	"exigo/internal/expand"
	"exigo/internal/lists"
)

// splitList splits errors_copy into its items.
func splitList(s string) []string { return lists.Split(s) }

// splitPattern takes the pattern (maybe in double quotes) off an
// errors_copy item, leaving the addresses.
func splitPattern(it string) (pattern, rest string) {
	it = strings.TrimLeft(it, " \t")
	if strings.HasPrefix(it, `"`) {
		var b strings.Builder
		i := 1
		for ; i < len(it) && it[i] != '"'; i++ {
			if it[i] == '\\' && i+1 < len(it) {
				i++
			}
			b.WriteByte(it[i])
		}
		return b.String(), strings.TrimLeft(it[min(i+1, len(it)):], " \t\n")
	}
	i := strings.IndexAny(it, " \t\n")
	if i < 0 {
		return it, ""
	}
	return it[:i], strings.TrimLeft(it[i:], " \t\n")
}

// matchOne matches an address against one address list item.
func matchOne(ctx *expand.Context, pattern, address string) bool {
	res, err := lists.MatchAddress(ctx.Lists, "<: "+strings.ReplaceAll(pattern, ":", "::"), address, true)
	return err == nil && res.Matched
}

// addressesIn is what "exim -t" takes from a header's address list.
func addressesIn(s string) []string {
	var out []string
	if list, err := mail.ParseAddressList(s); err == nil {
		for _, a := range list {
			out = append(out, a.Address)
		}
		return out
	}
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}
