package transport

import (
	"strings"

	"exigo/internal/item"
)

// BSMTPEnvelope is what use_bsmtp (appendfile, pipe) writes around a
// message: head, the MAIL, RCPT and DATA commands, goes after the
// message_prefix, and tail, the "." line, after the message_suffix.
// Line ends are CRLF when crlf (use_crlf).
func BSMTPEnvelope(returnPath string, rcpts []*item.Address, includeAffixes, crlf bool) (head, tail string) {
	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	var b strings.Builder
	b.WriteString("MAIL FROM:<" + returnPath + ">" + eol)
	for _, a := range rcpts {
		b.WriteString("RCPT TO:<" + RcptAddress(a, includeAffixes) + ">" + eol)
	}
	b.WriteString("DATA" + eol)
	return b.String(), "." + eol
}
