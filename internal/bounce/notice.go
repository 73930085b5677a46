// Package bounce builds the messages Exim sends about a message it is
// delivering: the failure report (bounce), the delay warning, and the
// success report, as RFC 3464 multipart/report messages with Exim 4.96's
// texts (deliver.c, moan.c), plus the experimental "DSN extra
// information" fields. It decides nothing about delivery itself; the
// delivery process spools what it returns.
package bounce

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// Notice is one generated message. Data is what Exim writes to the
// "exim -t -oem -oi -f <>" process it starts: the delivery process must
// receive it the same way (a Bcc: line is kept but marked deleted, and
// Received:, Message-Id: and Date: are added).
type Notice struct {
	Sender     string   // always "" (<>)
	Recipients []string // To: and Bcc: addresses
	Data       []byte
	// Logs are the lines Exim would write while building the message
	// (expansion failures); Panic says they go to the panic log as well.
	Logs []LogLine
}

// LogLine is a main log line, also for the panic log when Panic is set.
type LogLine struct {
	Text  string
	Panic bool
}

// builder accumulates one notice.
type builder struct {
	cfg *conf.Config
	ctx *expand.Context
	msg *transport.Message
	h   *spool.Header
	b   strings.Builder
	n   *Notice
	now time.Time
	// Random is rand() for the MIME boundary.
	random func() int32
}

func newBuilder(cfg *conf.Config, ctx *expand.Context, msg *transport.Message, now time.Time) *builder {
	bd := &builder{cfg: cfg, msg: msg, h: msg.Header, n: &Notice{}, now: now, random: rand.Int32}
	bd.ctx = messageContext(ctx, cfg, msg.Header)
	return bd
}

func (bd *builder) printf(format string, args ...any) { fmt.Fprintf(&bd.b, format, args...) }
func (bd *builder) write(s string)                    { bd.b.WriteString(s) }

func (bd *builder) log(panic bool, format string, args ...any) {
	bd.n.Logs = append(bd.n.Logs, LogLine{Text: fmt.Sprintf(format, args...), Panic: panic})
}

// boundary is Exim's "<time>-eximdsn-<rand()>".
func (bd *builder) boundary() string {
	return fmt.Sprintf("%d-eximdsn-%d", bd.now.Unix(), bd.random())
}

// reportingMTA is smtp_active_hostname as the spool file left it.
func (bd *builder) reportingMTA() string {
	if v := bd.h.ActiveHostname.Value; v != "" {
		return v
	}
	return bd.cfg.PrimaryHostname()
}

// defaultDSNFrom is Exim's DEFAULT_DSN_FROM.
const defaultDSNFrom = "Mail Delivery System <Mailer-Daemon@$qualify_domain>"

// from writes the From: line (moan_write_from).
func (bd *builder) from() {
	s, err := bd.ctx.Expand(bd.cfg.String("dsn_from"))
	if err != nil {
		bd.log(true, "Failed to expand dsn_from (using default): %s", err)
		s, _ = bd.ctx.Expand(defaultDSNFrom)
	}
	bd.printf("From: %s\n", s)
}

// commonHeaders writes what every notice starts with after any
// X-Failed-Recipients: Reply-To:, Auto-Submitted:, From:, To:,
// References:, and the multipart/report type with its boundary.
func (bd *builder) commonHeaders(to, bound string) {
	if r := bd.cfg.String("errors_reply_to"); r != "" {
		bd.printf("Reply-To: %s\n", r)
	}
	bd.write("Auto-Submitted: auto-replied\n")
	bd.from()
	bd.printf("To: %s\n", to)
	bd.write(references(bd.h.Headers))
	bd.printf("Content-Type: multipart/report; report-type=delivery-status; boundary=%s\nMIME-Version: 1.0\n", bound)
}

// envelopeID writes Original-Envelope-ID from the ENVID, as given when it
// is valid xtext.
func (bd *builder) envelopeID() {
	id := bd.h.DSNEnvID
	if id == "" {
		return
	}
	if _, ok := xtextDecode(id); ok {
		bd.printf("Original-Envelope-ID: %s\n", id)
	} else {
		bd.write("X-Original-Envelope-ID: error decoding xtext formatted ENVID\n")
	}
}

// xtextDecode is Exim's auth_xtextdecode; an empty value does not count
// as decoded (its length is 0).
func xtextDecode(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 127 || c == '=' {
			return "", false
		}
		if c == '+' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", false
			}
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
		}
		b.WriteByte(c)
	}
	return b.String(), b.Len() > 0
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c | 0x20 - 'a' + 10
}

func (bd *builder) finish() *Notice {
	bd.n.Data = []byte(bd.b.String())
	return bd.n
}
