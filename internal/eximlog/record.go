package eximlog

// Exim builds each log record in a fixed buffer of this size; what does
// not fit is cut the way its string_vformat cuts it.
const logBufferSize = 8192

const overflowText = "**** log string overflowed log buffer ****\n"

// record is one log record being built, with Exim's size limit.
type record struct {
	b   []byte
	lim int // Exim's "lim": the buffer size less one for the NUL
	// pidAt and pidEnd bound "[pid] " so that syslog_pid = false can
	// drop it.
	pidAt, pidEnd int
}

// literal appends format text: Exim copies characters while they fit.
func (r *record) literal(s string) bool {
	room := max(r.lim-len(r.b), 0)
	if len(s) <= room {
		r.b = append(r.b, s...)
		return true
	}
	r.b = append(r.b, s[:room]...)
	return false
}

// arg appends a "%s" argument: one that does not fit is cut one short of
// the limit, and nothing goes in once the limit is reached.
func (r *record) arg(s string) bool {
	if len(r.b) >= r.lim {
		return false
	}
	if len(r.b)+len(s) <= r.lim {
		r.b = append(r.b, s...)
		return true
	}
	r.b = append(r.b, s[:max(r.lim-len(r.b)-1, 0)]...)
	return false
}

// RejectHeaders is what the reject log adds after a rejection once the
// message's header is known.
type RejectHeaders struct {
	Sender     string   // the envelope sender, without <>
	Recipients []string // the envelope recipients accepted so far
	Headers    []Header // the header lines, in order
}

// Header is one header line as the spool holds it.
type Header struct {
	// Type is the spool flag: ' ' for an ordinary line, 'P' for
	// Received:, 'T' for To:, '*' for a deleted line and so on.
	Type byte
	// Text is the whole line with its continuation lines and final
	// newline. An empty Text (an unfilled Received:) is skipped.
	Text string
}

// maxLoggedRecipients is how many recipients the reject log lists.
const maxLoggedRecipients = 5

// addRejectHeaders appends the envelope and header lines to a main log
// record, as Exim does for the reject log.
func (r *record) addRejectHeaders(h *RejectHeaders) {
	r.lim = logBufferSize - 1
	if len(h.Recipients) > 0 {
		r.field("Envelope-from: <", h.Sender, ">\n")
		r.field("Envelope-to: <", h.Recipients[0], ">\n")
		i := 1
		for ; i < len(h.Recipients) && i < maxLoggedRecipients; i++ {
			r.field("    <", h.Recipients[i], ">\n")
		}
		if i < len(h.Recipients) {
			r.literal("    ...\n")
		}
	}
	for _, hl := range h.Headers {
		if hl.Text == "" {
			continue
		}
		if !r.literal(string(hl.Type)+" ") || !r.arg(hl.Text) {
			r.truncated()
			return
		}
	}
}

// field appends lead, value, tail; a piece that does not fit stays cut.
func (r *record) field(lead, value, tail string) {
	_ = r.literal(lead) && r.arg(value) && r.literal(tail)
}

// truncated ends a record whose header lines overflowed: Exim steps back
// 100 bytes and a newline, then says so.
func (r *record) truncated() {
	r.b = r.b[:max(len(r.b)-100, 0)]
	if n := len(r.b); n > 0 && r.b[n-1] == '\n' {
		r.b = r.b[:n-1]
	}
	r.b = append(r.b, "\n*** truncated ***\n"...)
}
