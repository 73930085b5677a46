package transport

import (
	"bufio"
	"fmt"
	"io"
	"sync"
	"time"

	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/rewrite"
	"exigo/internal/spool"
)

// WriteOptions say how WriteMessage writes a message: Exim's
// transport_ctx and the topt_* flags of transport_write_message.
type WriteOptions struct {
	// Ctx expands the items of HeadersAdd and HeadersRemove.
	Ctx *expand.Context
	// Addrs is the batch being delivered. Envelope-to: lists the envelope
	// recipients they come from; the first one's router header changes
	// (HeadersAdd, HeadersRemove) are applied.
	Addrs []*item.Address
	// Duplicates returns the addresses dropped as duplicates of a, whose
	// envelope recipients Envelope-to: lists too; nil for none.
	Duplicates func(a *item.Address) []*item.Address

	HeadersAdd    string // the transport's headers_add, unexpanded
	HeadersRemove string // the transport's headers_remove, unexpanded
	// HeadersRewrite is headers_rewrite, applied to the message's own
	// header lines (and those ACLs added), not to router or transport
	// ones; nil for none.
	HeadersRewrite *rewrite.Rules

	ReturnPath      string // for Return-path:
	AddReturnPath   bool   // return_path_add
	AddEnvelopeTo   bool   // envelope_to_add
	AddDeliveryDate bool   // delivery_date_add
	Now             time.Time

	NoHeaders bool // body_only
	NoBody    bool // headers_only

	CRLF          bool   // line ends as CRLF (SMTP, LMTP, use_crlf)
	EndDot        bool   // a final "." line (SMTP, LMTP)
	CheckString   string // replaced at the start of lines ...
	EscapeString  string // ... by this ("From " / ">From ", "." / "..")
	EscapeHeaders bool   // check the headers too (batch SMTP)

	// Prefix and Suffix are written as they are before and after the
	// message (appendfile and pipe's expanded message_prefix/suffix).
	Prefix, Suffix string
	// SizeLimit > 0 stops the body after that many bytes (bounces).
	SizeLimit int64
	// Filter, when set, is the transport_filter the message goes through
	// before the formatting above (see writeFiltered).
	Filter *Filter
}

// Written is what a write produced: Exim's transport_count (bytes,
// prefix and suffix included) and transport_newlines.
type Written struct {
	Bytes    int64
	Newlines int
}

// HeaderError is a failed expansion of headers_add or headers_remove
// (Exim's ERRNO_CHHEADER_FAIL); Msg is the expansion's message.
type HeaderError struct{ Msg string }

func (e *HeaderError) Error() string { return e.Msg }

// BodyError is a failure to read the spooled body.
type BodyError struct{ Err error }

func (e *BodyError) Error() string { return "reading the message body: " + e.Err.Error() }
func (e *BodyError) Unwrap() error { return e.Err }

// messageWriters and bodyBuffers are kept from one message for the next:
// a delivery process writes many messages, and buffers made anew for
// each would be most of what it allocates.
var (
	messageWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 8192) }}
	bodyBuffers    = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}
)

// WriteMessage writes msg to w as Exim's transport_write_message does:
// the added Return-path:, Envelope-to: and Delivery-date: lines, the
// spooled headers less removed ones, router and transport additions, a
// blank line, then the body. Errors from w are returned as they are.
func WriteMessage(w io.Writer, msg *Message, o *WriteOptions) (Written, error) {
	if o.Filter.Active() {
		return writeFiltered(w, msg, o)
	}
	bw := messageWriters.Get().(*bufio.Writer)
	bw.Reset(w)
	defer func() {
		bw.Reset(nil)
		messageWriters.Put(bw)
	}()
	lw := newLineWriter(bw, o)
	if o.Prefix != "" {
		lw.raw(o.Prefix)
	}
	if !o.NoHeaders {
		lw.setChecking(o.EscapeHeaders, false)
		if err := writeHeaders(lw, msg, o); err != nil {
			return Written{lw.bytes, lw.newlines}, err
		}
	}
	if !o.NoBody {
		if err := writeBody(lw, msg, o); err != nil {
			return Written{lw.bytes, lw.newlines}, err
		}
	}
	lw.setChecking(false, false)
	lw.setWireBody(false, o.CRLF)
	if o.EndDot {
		lw.WriteString(".\n")
	}
	if o.Suffix != "" {
		lw.raw(o.Suffix)
	}
	if lw.err == nil {
		lw.err = bw.Flush()
	}
	return Written{lw.bytes, lw.newlines}, lw.err
}

func writeHeaders(lw *lineWriter, msg *Message, o *WriteOptions) error {
	if o.AddReturnPath {
		lw.WriteString("Return-path: <" + o.ReturnPath + ">\n")
	}
	if o.AddEnvelopeTo {
		lw.WriteString("Envelope-to: " + envelopeTo(o.Addrs, o.Duplicates) + "\n")
	}
	if o.AddDeliveryDate {
		lw.WriteString("Delivery-date: " + o.Now.Format("Mon, 02 Jan 2006 15:04:05 -0700") + "\n")
	}
	if err := sendHeaders(lw, msg.Header, o); err != nil {
		return err
	}
	return lw.err
}

// sendHeaders writes the header section proper and the blank line after
// it (Exim's transport_headers_send).
func sendHeaders(lw *lineWriter, h *spool.Header, o *WriteOptions) error {
	var first *item.Address
	if len(o.Addrs) > 0 {
		first = o.Addrs[0]
	}
	for _, hl := range h.Headers {
		if hl.Type == spool.HeaderOld {
			continue
		}
		drop, err := removed(hl.Text, o, first)
		if err != nil {
			return err
		}
		if !drop {
			lw.WriteString(rewriteHeader(hl.Text, o))
		}
	}
	if first != nil {
		for _, add := range first.HeadersAdd {
			writeLine(lw, add)
		}
	}
	if err := addTransportHeaders(lw, o); err != nil {
		return err
	}
	lw.WriteString("\n")
	return nil
}

// writeLine writes a header, ending it with a newline if it has none.
func writeLine(lw *lineWriter, s string) {
	if s == "" {
		return
	}
	lw.WriteString(s)
	if s[len(s)-1] != '\n' {
		lw.WriteString("\n")
	}
}

func writeBody(lw *lineWriter, msg *Message, o *WriteOptions) error {
	if msg.Body == nil {
		return &BodyError{fmt.Errorf("no body for message %s", msg.ID)}
	}
	body, err := msg.Body()
	if err != nil {
		return &BodyError{err}
	}
	defer body.Close()
	wire := msg.Header != nil && msg.Header.Wireformat
	lw.setWireBody(wire, o.CRLF)
	lw.setChecking(true, true)
	var r io.Reader = body
	if o.SizeLimit > 0 {
		r = io.LimitReader(body, o.SizeLimit)
	}
	bp := bodyBuffers.Get().(*[]byte)
	defer bodyBuffers.Put(bp)
	buf := *bp
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			if _, err := lw.Write(buf[:n]); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return &BodyError{rerr}
		}
	}
	lw.flushHeld()
	return lw.err
}
