package deliver

import (
	"strings"
	"testing"
)

// Exim 4.96 (Debian), +smtp_confirmation, a server whose final reply was
// the input: the C= field in its main log.
func TestConfirmationField(t *testing.T) {
	cases := []struct{ reply, want string }{
		{`250 OK id=1abc`, `"250 OK id=1abc"`},
		// The smtp transport has made the reply printable (\303\251
		// for "é", \001); Exim escapes those backslashes again and
		// keeps the tab as it is.
		{"250 OK\tid=\"x\\y\" caf\\303\\251 \\001end",
			"\"250 OK\tid=\\\"x\\\\y\\\" caf\\\\303\\\\251 \\\\001end\""},
		// Only the first 1024 bytes, counted before escaping.
		{"250 " + strings.Repeat("a", 1100) + "Z", `"250 ` + strings.Repeat("a", 1020) + `"`},
		{"250 " + strings.Repeat(`"`, 1100) + "Z", `"250 ` + strings.Repeat(`\"`, 1020) + `"`},
	}
	for _, c := range cases {
		if got := confirmationField(c.reply); got != c.want {
			t.Errorf("confirmationField(%q) = %q, want %q", c.reply, got, c.want)
		}
	}
}
