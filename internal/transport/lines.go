package transport

import (
	"bufio"
	"bytes"
)

// lineWriter formats the message as Exim's write_chunk does: LF becomes
// CRLF when asked, CRLF becomes LF for a wire-format body written without
// CRLF, and a check string at the start of a line is replaced by the
// escape string ("From " by ">From ", "." by "..").
type lineWriter struct {
	w        *bufio.Writer
	crlf     bool // turn LF into CRLF (not for a body already in CRLF)
	stripCR  bool // drop the CR of CRLF (wire-format body, LF output)
	check    []byte
	escape   []byte
	checking bool // look at line starts (headers only for batch SMTP)
	// matched is how many bytes of check have been seen at the start of
	// the current line and held back; -1 when not at a line start.
	matched   int
	pendingCR bool // stripCR: a CR whose next byte is not known yet
	bytes     int64
	newlines  int
	err       error
}

func newLineWriter(w *bufio.Writer, o *WriteOptions) *lineWriter {
	lw := &lineWriter{w: w, crlf: o.CRLF, matched: -1}
	if o.CheckString != "" && o.EscapeString != "" {
		lw.check, lw.escape = []byte(o.CheckString), []byte(o.EscapeString)
	}
	return lw
}

// setChecking turns start-of-line escaping on or off. Turning it on for
// the body treats the first body byte as a line start, as Exim does.
func (lw *lineWriter) setChecking(on, atLineStart bool) {
	lw.flushHeld()
	lw.checking = on && lw.check != nil
	lw.matched = -1
	if lw.checking && atLineStart {
		lw.matched = 0
	}
}

// setWireBody says the bytes that follow are a CRLF (wire-format) body:
// they already have their CRs, and lose them for LF output.
func (lw *lineWriter) setWireBody(wire bool, crlfOut bool) {
	lw.crlf = crlfOut && !wire
	lw.stripCR = wire && !crlfOut
}

func (lw *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && lw.err == nil {
		if lw.matched >= 0 || lw.pendingCR {
			lw.put(p[0])
			p = p[1:]
			continue
		}
		// Copy the run of ordinary bytes up to the next line end (or CR
		// when CRs are dropped) in one go.
		i := bytes.IndexByte(p, '\n')
		if lw.stripCR {
			if j := bytes.IndexByte(p, '\r'); j >= 0 && (i < 0 || j < i) {
				i = j
			}
		}
		if i < 0 {
			lw.emit(p...)
			break
		}
		lw.emit(p[:i]...)
		lw.put(p[i])
		p = p[i+1:]
	}
	if lw.err != nil {
		return 0, lw.err
	}
	return n, nil
}

func (lw *lineWriter) WriteString(s string) {
	lw.Write([]byte(s))
}

func (lw *lineWriter) put(c byte) {
	if lw.stripCR {
		if lw.pendingCR {
			lw.pendingCR = false
			if c != '\n' {
				lw.format('\r')
			}
		}
		if c == '\r' {
			lw.pendingCR = true
			return
		}
	}
	lw.format(c)
}

// format handles one byte after any CR stripping.
func (lw *lineWriter) format(c byte) {
	if lw.matched >= 0 {
		if c == lw.check[lw.matched] {
			lw.matched++
			if lw.matched == len(lw.check) {
				lw.emit(lw.escape...)
				lw.matched = -1
			}
			return
		}
		lw.emit(lw.check[:lw.matched]...)
		lw.matched = -1
	}
	if c != '\n' {
		lw.emitByte(c)
		return
	}
	if lw.crlf {
		lw.emitByte('\r')
	}
	lw.emitByte('\n')
	lw.newlines++
	if lw.checking {
		lw.matched = 0
	}
}

// flushHeld writes out a partial check-string match and a held CR: the
// data ended before they could be decided.
func (lw *lineWriter) flushHeld() {
	if lw.pendingCR {
		lw.pendingCR = false
		lw.format('\r')
	}
	if lw.matched > 0 {
		lw.emit(lw.check[:lw.matched]...)
	}
	lw.matched = -1
}

func (lw *lineWriter) emit(b ...byte) {
	if lw.err != nil {
		return
	}
	n, err := lw.w.Write(b)
	lw.bytes += int64(n)
	lw.err = err
}

// emitByte is emit for one byte, without making a slice of it.
func (lw *lineWriter) emitByte(c byte) {
	if lw.err != nil {
		return
	}
	lw.err = lw.w.WriteByte(c)
	if lw.err == nil {
		lw.bytes++
	}
}

// raw writes bytes as they are (message_prefix and message_suffix are
// not formatted by Exim either).
func (lw *lineWriter) raw(s string) {
	lw.flushHeld()
	if lw.err != nil {
		return
	}
	n, err := lw.w.WriteString(s)
	lw.bytes += int64(n)
	lw.err = err
}
