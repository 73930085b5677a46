package bounce

import (
	"strings"
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/transport"
)

// TransportWarning is the message a transport asked for after a delivery
// of msg (appendfile's quota_warn_message, text already expanded), as
// Exim's delivery process writes it to its "exim -t" child: Reply-To
// (errors_reply_to) unless the text has one, Auto-Submitted, From
// (dsn_from) unless the text has one, then the text as it is. Its
// recipients are in the text's own headers.
func TransportWarning(cfg *conf.Config, ctx *expand.Context, msg *transport.Message, text string, now time.Time) *Notice {
	bd := newBuilder(cfg, ctx, msg, now)
	if r := cfg.String("errors_reply_to"); r != "" && !containsHeader("Reply-To", text) {
		bd.printf("Reply-To: %s\n", r)
	}
	bd.write("Auto-Submitted: auto-replied\n")
	if !containsHeader("From", text) {
		bd.from()
	}
	bd.write(text)
	return bd.finish()
}

// containsHeader reports whether a line of text starts with the header
// name (any case), optional blanks and a colon. As in Exim, every line
// is looked at, the body's too.
func containsHeader(name, text string) bool {
	for line := range strings.SplitSeq(text, "\n") {
		if len(line) < len(name) || !strings.EqualFold(line[:len(name)], name) {
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(line[len(name):], " \t"), ":") {
			return true
		}
	}
	return false
}
