package mime

import (
	"bytes"
	"io"
)

// stream reads a file as Exim's MIME code reads its FILE: a character at
// a time with one character of push-back, fgets-style lines, and ftell /
// fseek so that conditions can read ahead and return to where they were.
type stream struct {
	r    io.ReaderAt
	buf  []byte
	base int64  // file offset of buf[0]
	i    int    // read position in buf
	eof  bool   // the file ends at base+len(buf)
	line []byte // gets' result, reused
}

const streamBuf = 32 << 10

func newStream(r io.ReaderAt) *stream {
	return &stream{r: r, buf: make([]byte, 0, streamBuf)}
}

// fill makes at least one unread byte available; false at end of file
// (read errors count as end of file, as a failing fgetc would).
func (s *stream) fill() bool {
	if s.i < len(s.buf) {
		return true
	}
	if s.eof {
		return false
	}
	s.base += int64(len(s.buf))
	s.i = 0
	n, err := s.r.ReadAt(s.buf[:cap(s.buf)], s.base)
	s.buf = s.buf[:n]
	if err != nil {
		s.eof = true
	}
	return n > 0
}

// getc is fgetc: the next byte, or -1 at end of file.
func (s *stream) getc() int {
	if !s.fill() {
		return -1
	}
	c := s.buf[s.i]
	s.i++
	return int(c)
}

// ungetc pushes back the byte getc just returned.
func (s *stream) ungetc() {
	if s.i > 0 {
		s.i--
	}
}

// gets is fgets with a buffer of size bytes: up to and including the
// next newline, at most size-1 bytes; nil at end of file. The result is
// only valid until the next read.
func (s *stream) gets(size int) []byte {
	line := s.line[:0]
	defer func() { s.line = line[:0] }()
	for len(line) < size-1 {
		if !s.fill() {
			break
		}
		chunk := s.buf[s.i:]
		if room := size - 1 - len(line); len(chunk) > room {
			chunk = chunk[:room]
		}
		if nl := indexNL(chunk); nl >= 0 {
			chunk = chunk[:nl+1]
		}
		line = append(line, chunk...)
		s.i += len(chunk)
		if line[len(line)-1] == '\n' {
			break
		}
	}
	if len(line) == 0 {
		return nil
	}
	return line
}

func indexNL(b []byte) int { return bytes.IndexByte(b, '\n') }

// tell is ftell.
func (s *stream) tell() int64 { return s.base + int64(s.i) }

// seek is fseek to an absolute offset; it also clears end of file.
func (s *stream) seek(pos int64) {
	if pos >= s.base && pos <= s.base+int64(len(s.buf)) {
		s.i = int(pos - s.base)
		if s.i < len(s.buf) {
			return
		}
	}
	s.base, s.buf, s.i, s.eof = pos, s.buf[:0], 0, false
}

// cString is what C string functions see of a line read by fgets: the
// bytes before the first NUL.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}
