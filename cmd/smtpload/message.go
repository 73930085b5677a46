package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// lineChars is the number of printable characters in a full body line;
// with CRLF each line is 78 bytes, the RFC 5322 recommended limit.
const lineChars = 76

// dotLineEvery makes every 16th body line start with '.', so that every
// message exercises the server's removal of dot-stuffing.
const dotLineEvery = 16

const bodyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// message builds the messages of one run. The header block has the same
// length for every sequence number and the body is shared, so each message
// is exactly size bytes (when size exceeds the headers) and costs one small
// header formatting per send.
type message struct {
	headerParts []string // header text around each sequence number
	stuffedBody []byte   // body, dot-stuffed, ending in CRLF
	rawBody     []byte
}

// seqMark stands for the sequence number while the header is put together;
// user-supplied addresses cannot contain a NUL.
const seqMark = "\x00"

func newMessage(c config, start time.Time) *message {
	m := &message{headerParts: strings.Split(headerTemplate(c, start), seqMark)}
	m.rawBody = makeBody(c.size - len(m.header(0)))
	m.stuffedBody = dotStuff(m.rawBody)
	return m
}

func headerTemplate(c config, start time.Time) string {
	from := c.from
	if from == "" {
		from = "MAILER-DAEMON@" + c.ehlo
	}
	return "From: <" + from + ">\r\n" +
		"To: <" + strings.Join(c.rcpts, ">, <") + ">\r\n" +
		"Subject: smtpload message " + seqMark + "\r\n" +
		"Date: " + start.Format(time.RFC1123Z) + "\r\n" +
		"Message-ID: <" + strconv.FormatInt(start.UnixNano(), 10) + "." + seqMark + "@" + c.ehlo + ">\r\n" +
		"\r\n"
}

// header returns the header block (with the empty line that ends it) of
// message seq. The number is zero-padded so every header has one length.
// Header lines never start with '.', so it needs no stuffing.
func (m *message) header(seq int64) string {
	return strings.Join(m.headerParts, fmt.Sprintf("%010d", seq))
}

// raw returns message seq as the server should store it (not stuffed).
func (m *message) raw(seq int64) []byte {
	return append([]byte(m.header(seq)), m.rawBody...)
}

// makeBody returns n bytes of CRLF-terminated printable lines, full lines
// of lineChars characters and a shorter last one. Below two bytes there is
// no room for a line, and an empty body is returned.
func makeBody(n int) []byte {
	var b bytes.Buffer
	full := lineChars + 2
	for i := 0; n >= 2; i++ {
		width := min(n, full) - 2
		if n-full == 1 {
			width++ // absorb the odd byte: a 1-byte remainder cannot be a line
		}
		writeBodyLine(&b, i, width)
		n -= width + 2
	}
	return b.Bytes()
}

func writeBodyLine(b *bytes.Buffer, i, width int) {
	for j := 0; j < width; j++ {
		if j == 0 && i%dotLineEvery == dotLineEvery-1 {
			b.WriteByte('.')
			continue
		}
		b.WriteByte(bodyAlphabet[(i+j)%len(bodyAlphabet)])
	}
	b.WriteString("\r\n")
}

// dotStuff doubles a leading '.' on every line (RFC 5321 4.5.2) and makes
// sure the text ends in CRLF, ready to be followed by ".\r\n".
func dotStuff(text []byte) []byte {
	out := make([]byte, 0, len(text)+len(text)/lineChars+3)
	atLineStart := true
	for _, ch := range text {
		if atLineStart && ch == '.' {
			out = append(out, '.')
		}
		out = append(out, ch)
		atLineStart = ch == '\n'
	}
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\r\n")) {
		out = append(out, '\r', '\n')
	}
	return out
}
