package expand

import (
	"strings"
	"testing"
)

// ${rfc2047d:} leaves words over 75 characters encoded unless
// check_rfc2047_length is false, and turns decoded zeros into '?'.
func TestRFC2047dLengthCheck(t *testing.T) {
	long := "=?utf-8?q?" + strings.Repeat("a", 70) + "?="
	for _, c := range []struct {
		check, in, want string
	}{
		{"true", long, long},
		{"false", long, strings.Repeat("a", 70)},
		{"", "=?utf-8?q?x=00y?=", "x?y"},
	} {
		vars := &mapVars{m: map[string]string{}}
		if c.check != "" {
			vars.m["check_rfc2047_length"] = c.check
		}
		got, err := (&Context{Vars: vars}).Expand("${rfc2047d:" + c.in + "}")
		if err != nil || got != c.want {
			t.Errorf("check_rfc2047_length=%q: ${rfc2047d:%s} = %q, %v; want %q", c.check, c.in, got, err, c.want)
		}
	}
}
