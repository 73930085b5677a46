package lists

import (
	"strings"
	"testing"
)

// FuzzSplitRoundTrip: items joined with " : " after doubling their
// colons split back into the same items.
func FuzzSplitRoundTrip(f *testing.F) {
	f.Add("a\x00b:c\x00::1\x00x:")
	f.Add("<a\x00 b \x00")
	f.Fuzz(func(t *testing.T, joined string) {
		items := strings.Split(joined, "\x00")
		var parts []string
		for _, it := range items {
			it = strings.Trim(it, " \t\n\v\f\r")
			if it == "" || strings.HasSuffix(it, "\\") {
				return // not representable
			}
			parts = append(parts, strings.ReplaceAll(it, ":", "::"))
		}
		list := strings.Join(parts, " : ")
		if strings.HasPrefix(list, "<") {
			list = " : " + list // keep "<" from changing the separator
			items = append([]string{""}, items...)
		}
		got := Split(list)
		for i := range items {
			items[i] = strings.Trim(items[i], " \t\n\v\f\r")
		}
		if strings.Join(got, "\x00") != strings.Join(items, "\x00") {
			t.Fatalf("Split(%q) = %q, want %q", list, got, items)
		}
	})
}
