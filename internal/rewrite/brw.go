package rewrite

import (
	"fmt"
	"io"
	"strings"

	"exigo/internal/address"
)

// testNames label the lines of -brw, in flag order.
var testNames = [...]string{"  sender", "    from", "      to", "      cc", "     bcc", "reply-to", "env-from", "  env-to"}

// Test prints what exim -brw prints for s: the SMTP-time rewrite when an
// S rule exists, then the address as each header and envelope field
// would have it.
func (e *Env) Test(w io.Writer, rules Rules, s string) {
	if rules.Exist == 0 {
		fmt.Fprintf(w, "No rewrite rules are defined\n")
		return
	}
	doneSMTP := false
	if rules.Exist&SMTP != 0 {
		if r := e.One(rules, s, SMTP|SMTPSender); r.Rewritten {
			fmt.Fprintf(w, "    SMTP: %s\n", orNull(r.Address))
			doneSMTP = true
		}
	}
	if rules.Exist&^SMTP == 0 {
		return
	}
	if address.FindAt(s) < 0 {
		s += "@" + e.QualifyRecipient
	}
	p, start, end, err := address.Options{}.ExtractAt(s)
	if err != nil {
		if !doneSMTP {
			msg := err.Error()
			fmt.Fprintf(w, "Syntax error in %s\n%s%s\n", s, strings.ToUpper(msg[:1]), msg[1:])
		}
		return
	}
	for i, name := range testNames {
		flag := Flag(1) << i
		r := e.One(rules, p.Address, flag)
		switch {
		case r.Address == "":
			fmt.Fprintf(w, "%s: <>\n", name)
		case r.Whole || flag&AllHeaders == 0:
			fmt.Fprintf(w, "%s: %s\n", name, r.Address)
		default:
			fmt.Fprintf(w, "%s: %s%s%s\n", name, s[:start], r.Address, s[end:])
		}
	}
}

func orNull(s string) string {
	if s == "" {
		return "<>"
	}
	return s
}
