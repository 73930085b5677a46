package smtpd

import (
	"bufio"
	"errors"
	"io"
	"sync"
)

// errEOD ends the data (a BDAT message's LAST chunk, or local input's
// end of file); errHeaderTooBig and errHeaderLine abandon the message,
// whose input is still read to its end.
var (
	errEOD          = errors.New("end of data")
	errProtocol     = errors.New("protocol error in chunked data")
	errHeaderTooBig = errors.New("header too big")
	errHeaderLine   = errors.New("header line too long")
)

// byteSource is where message bytes come from: the connection for DATA,
// the BDAT chunks for CHUNKING.
type byteSource interface {
	ReadByte() (byte, error)
	UnreadByte() error
}

// msgReader reads one message's data as Exim 4.97.1 does after
// CVE-2023-51766: the first line's ending decides the mode; in CRLF mode
// (the normal one) only CRLF "." CRLF ends the data, a dot after a bare
// LF is data, and "." LF is not an end; bare CR and bare LF end lines in
// the body, and continue a header line in the headers. Dot-stuffing is
// undone; the body is written with LF line ends.
type msgReader struct {
	src     byteSource
	dotEnds bool // DATA; false for BDAT
	eofEnds bool // local input: the end of the file ends the message
	// mode: 0 unknown, 1 CRLF, 2 LF-only.
	mode int

	headerMax, headerLineMax int64
	sizeLimit                int64

	size       int64 // bytes stored so far (LF line ends, no dots)
	headerSize int64 // the header section read, counted in the size limit as in Exim
	// lostIn says where the input ended early, for Exim's "lost while
	// reading message data" line: " (header)", " (after header)" or "".
	lostIn     string
	linecount  int // body lines
	zerocount  int // NULs in the body
	maxLineLen int
	lineLen    int
	ended      bool // the terminating dot (or the last chunk) was seen
	tooBig     bool // message_size_limit passed: data read, not kept
}

// headerResult is what readHeaders found.
type headerResult struct {
	headers   []string // each "Name: value\n", folding kept
	firstBody []byte   // a line that ended the headers without a blank line
	midLine   bool     // the body starts in the middle of a line
	blank     bool     // a blank line ended the headers
}

func (m *msgReader) crlf() bool { return m.mode != 2 }

// readByte reads one byte, with Exim's dot handling at the start of a
// line left to the callers.
func (m *msgReader) readByte() (byte, error) {
	c, err := m.src.ReadByte()
	if err == io.EOF && m.eofEnds {
		return 0, errEOD
	}
	return c, err
}

// readHeaders reads the header section.
func (m *msgReader) readHeaders() (headerResult, error) {
	var res headerResult
	var cur []byte
	var lineStart = 0 // offset in cur of the current physical line
	total := int64(0)
	for {
		c, err := m.readByte()
		if err != nil {
			if err == errEOD {
				m.ended = true
				if len(cur) > 0 {
					cur = append(cur, '\n')
					m.addHeaderOrBody(&res, cur)
				}
				return res, nil
			}
			m.lostIn = " (header)"
			if len(cur) == 0 && len(res.headers) > 0 {
				m.lostIn = " (after header)"
			}
			return res, err
		}
		if len(cur) == lineStart && lineStart == 0 && c == '.' && m.dotEnds {
			end, next, err := m.dotAtStart()
			if err != nil {
				return res, err
			}
			if end {
				m.ended = true
				return res, nil
			}
			c = next
			if c == '\n' && m.mode == 1 {
				// "." LF in CRLF headers: the dot goes, and the LF with
				// Exim's inserted space makes a blank line ending the
				// headers; the body starts with that space mid-line.
				res.firstBody, res.midLine, res.blank = []byte{' '}, true, true
				return res, nil
			}
		}
		switch c {
		case '\n':
			if m.mode == 0 {
				m.mode = 2
			} else if m.mode == 1 {
				// A bare LF inside CRLF headers continues the line.
				cur = append(cur, '\n', ' ')
				total += 2
				continue
			}
		case '\r':
			n, err := m.readByte()
			if err == nil && n == '\n' {
				if m.mode == 0 {
					m.mode = 1
				}
				c = '\n'
				break
			}
			if err == nil {
				m.src.UnreadByte()
			}
			cur = append(cur, '\n', ' ')
			total += 2
			continue
		default:
			// A NUL stays until addHeaderOrBody knows whether this is a
			// header (where it becomes '?') or the first body line.
			cur = append(cur, c)
			total++
			if total >= m.headerMax {
				return res, errHeaderTooBig
			}
			continue
		}
		// End of a physical line.
		m.noteLine(len(cur) - lineStart)
		cur = append(cur, '\n')
		total++
		if len(cur) == 1 {
			res.blank = true
			return res, nil // blank line: end of headers
		}
		next, err := m.readByte()
		if err == nil && (next == ' ' || next == '\t') {
			lineStart = len(cur)
			cur = append(cur, next)
			total++
			continue
		}
		if err == nil {
			m.src.UnreadByte()
		}
		if !m.addHeaderOrBody(&res, cur) {
			return res, nil
		}
		if m.headerLineMax > 0 && int64(len(cur)) > m.headerLineMax {
			return res, errHeaderLine
		}
		cur, lineStart = nil, 0
		if err == errEOD {
			m.ended = true
			return res, nil
		}
	}
}

func (m *msgReader) noteLine(n int) {
	if n > m.maxLineLen {
		m.maxLineLen = n
	}
}

// addHeaderOrBody files a complete logical line: a header, or (when it is
// not one) the first body line, which ends the headers.
func (m *msgReader) addHeaderOrBody(res *headerResult, line []byte) bool {
	i := 0
	if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
		res.firstBody = line
		return false
	}
	for i < len(line) && line[i] > ' ' && line[i] < 127 && line[i] != ':' {
		i++
	}
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i >= len(line) || line[i] != ':' {
		res.firstBody = line
		return false
	}
	for j := range line {
		if line[j] == 0 {
			line[j] = '?'
		}
	}
	res.headers = append(res.headers, trimEmptyContinuations(string(line)))
	return true
}

// trimEmptyContinuations drops trailing white-space-only continuation
// lines, as Exim does.
func trimEmptyContinuations(h string) string {
	for {
		end := len(h) - 1 // the final '\n'
		p := end - 1
		for p >= 0 && (h[p] == ' ' || h[p] == '\t') {
			p--
		}
		if p < 0 || h[p] != '\n' {
			return h
		}
		h = h[:p+1]
	}
}

// dotAtStart handles a '.' at the start of a line: end says the message
// is over; otherwise next is the character after the (removed) dot.
func (m *msgReader) dotAtStart() (end bool, next byte, err error) {
	c, err := m.readByte()
	if err == errEOD {
		return true, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	if c == '\r' {
		n, err := m.readByte()
		if err == errEOD {
			return true, 0, nil
		}
		if err != nil {
			return false, 0, err
		}
		if n == '\n' {
			return true, 0, nil
		}
		m.src.UnreadByte()
		return false, '\r', nil
	}
	if c == '\n' && m.mode == 2 {
		return true, 0, nil
	}
	return false, c, nil
}

// body states
const (
	bStart   = iota // after CRLF (or LF in LF-only mode): a dot is special
	bStartLF        // after a bare LF in CRLF mode: a dot is data
	bMid
	bCR    // after an unwritten CR
	bDot   // after a line-starting dot
	bDotCR // after line-starting dot and CR
)

// copyBody reads the body to its end, writing it to w (nil: discard).
// It returns when the terminating dot (or the last chunk) has been read.
// bodyWriters are the buffers bodies are copied through, kept for the
// next message rather than made anew for each.
var bodyWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}

func bodyWriter(w io.Writer) *bufio.Writer {
	bw := bodyWriters.Get().(*bufio.Writer)
	bw.Reset(w)
	return bw
}

// releaseBodyWriter gives a writer back once its message is done with.
func releaseBodyWriter(bw *bufio.Writer) {
	bw.Reset(nil)
	bodyWriters.Put(bw)
}

func (m *msgReader) copyBody(first []byte, w *bufio.Writer, midLine bool) error {
	if first != nil {
		m.emitBytes(first, w)
	}
	if m.ended {
		return nil
	}
	if !m.dotEnds {
		return m.copyChunkedBody(w)
	}
	state := bStart
	if midLine {
		state = bMid
	}
	for {
		c, err := m.readByte()
		if err == errEOD {
			// Local input ends at the end of the file.
			switch state {
			case bMid, bCR:
				m.emit('\n', w)
			case bDot, bDotCR:
				m.emitBytes([]byte(".\n"), w)
			}
			m.ended = true
			return nil
		}
		if err != nil {
			return err
		}
		switch state {
		case bStart, bStartLF:
			if state == bStart && c == '.' {
				state = bDot
				continue
			}
			state = bMid
			fallthrough
		case bMid:
			switch c {
			case '\n':
				m.emit('\n', w)
				state = bStartLF
				if m.mode == 2 {
					state = bStart
				}
			case '\r':
				state = bCR
			default:
				m.emit(c, w)
			}
		case bCR:
			m.emit('\n', w)
			switch c {
			case '\n':
				state = bStart
			case '\r':
			default:
				state = bMid
				m.emit(c, w)
			}
		case bDot:
			switch c {
			case '\n':
				if m.mode == 2 {
					m.ended = true
					return nil
				}
				m.emit('\n', w)
				state = bStartLF
			case '\r':
				state = bDotCR
			default:
				state = bMid
				m.emit(c, w)
			}
		case bDotCR:
			if c == '\n' {
				m.ended = true
				return nil
			}
			m.emit('\n', w)
			if c == '\r' {
				state = bCR
			} else {
				state = bMid
				m.emit(c, w)
			}
		}
	}
}

// copyChunkedBody is the BDAT body: no dots, CR LF / CR / LF line ends
// stored as LF, and a final line end added when the data lacks one.
func (m *msgReader) copyChunkedBody(w *bufio.Writer) error {
	state := bStart
	for {
		c, err := m.readByte()
		if err == errEOD {
			if state == bCR || (state == bMid) {
				m.emit('\n', w)
			}
			m.ended = true
			return nil
		}
		if err != nil {
			return err
		}
		switch state {
		case bStart, bMid:
			switch c {
			case '\n':
				m.emit('\n', w)
				state = bStart
			case '\r':
				state = bCR
			default:
				m.emit(c, w)
				state = bMid
			}
		case bCR:
			m.emit('\n', w)
			switch c {
			case '\n':
				state = bStart
			case '\r':
			default:
				m.emit(c, w)
				state = bMid
			}
		}
	}
}

func (m *msgReader) emitBytes(b []byte, w *bufio.Writer) {
	for _, c := range b {
		m.emit(c, w)
	}
}

// emit stores one body byte, keeping Exim's counts.
func (m *msgReader) emit(c byte, w *bufio.Writer) {
	if c == 0 {
		m.zerocount++
	}
	if c == '\n' {
		m.linecount++
		m.noteLine(m.lineLen)
		m.lineLen = 0
	} else {
		m.lineLen++
	}
	m.size++
	if m.sizeLimit > 0 && m.headerSize+m.size > m.sizeLimit {
		m.tooBig = true
	}
	if w != nil && !m.tooBig {
		w.WriteByte(c)
	}
}
