package smtpclient

import (
	"io"
	"strings"
	"time"
)

// Write modes for Command, Exim's SCMD_BUFFER, SCMD_MORE and SCMD_FLUSH.
const (
	Buffer = iota // keep the command for a later flush (pipelining)
	More          // send now, more data follows at once
	Flush         // send now
)

// Command adds one command line (CRLF is appended) and, unless mode is
// Buffer, sends everything buffered. A command that would not fit in the
// buffer first flushes what is there. It returns how many commands went
// out with this call, as Exim's smtp_write_command does: the caller owes
// that many replies.
func (c *Conn) Command(mode int, line string) (sent int, err error) {
	if len(c.out)+len(line)+2 > BufferSize && len(c.out) > 0 {
		sent = c.pending
		if err := c.flush(); err != nil {
			return 0, err
		}
	}
	c.out = append(c.out, line...)
	c.out = append(c.out, '\r', '\n')
	c.pending++
	c.LastCommand = c.hideAuth(line)
	if mode == Buffer {
		return sent, nil
	}
	sent += c.pending
	if err := c.flush(); err != nil {
		return 0, err
	}
	return sent, nil
}

// FlushCommands sends what is buffered (smtp_write_command with no
// command) and returns how many commands that was.
func (c *Conn) FlushCommands() (int, error) {
	n := c.pending
	if n == 0 {
		return 0, nil
	}
	if err := c.flush(); err != nil {
		return 0, err
	}
	return n, nil
}

func (c *Conn) flush() error {
	if len(c.out) == 0 {
		return nil
	}
	_, err := c.write(c.out)
	c.out = c.out[:0]
	c.pending = 0
	return err
}

// Write sends message data as it is (DATA or BDAT contents), after any
// buffered commands.
func (c *Conn) Write(p []byte) (int, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	return c.write(p)
}

func (c *Conn) write(p []byte) (int, error) {
	if c.WriteTimeout > 0 {
		_ = c.nc.SetWriteDeadline(time.Now().Add(c.WriteTimeout))
	}
	return c.nc.Write(p)
}

// hideAuth blanks AUTH data in the copy kept for error messages: the
// mechanism name stays after "AUTH ", everything else becomes '*'.
func (c *Conn) hideAuth(line string) string {
	if !c.Authenticating {
		return line
	}
	keep := 0
	if strings.HasPrefix(line, "AUTH ") {
		keep = 5
		for keep < len(line) && isSpace(line[keep]) {
			keep++
		}
		for keep < len(line) && !isSpace(line[keep]) {
			keep++
		}
		for keep < len(line) && isSpace(line[keep]) {
			keep++
		}
	}
	return line[:keep] + strings.Repeat("*", len(line)-keep)
}

// ReadResponse reads one reply within timeout, as Exim's
// smtp_read_response: the lines of a multi-line reply joined with "\n",
// trailing white space (the CR) removed from each. On error the reply
// holds what was read: the lines so far, or the malformed line with
// ErrFormat. A closed connection gives ErrClosed.
func (c *Conn) ReadResponse(timeout time.Duration) (string, error) {
	if timeout > 0 {
		_ = c.nc.SetReadDeadline(time.Now().Add(timeout))
		defer c.nc.SetReadDeadline(time.Time{})
	}
	var b strings.Builder
	room := BufferSize
	for {
		line, err := c.readLine(room)
		if err != nil {
			if err == ErrFormat {
				b.WriteString(line)
			}
			return b.String(), err
		}
		b.WriteString(line)
		if !wellFormed(line) {
			return b.String(), ErrFormat
		}
		if len(line) < 4 || line[3] != '-' {
			return b.String(), nil
		}
		b.WriteByte('\n')
		room -= len(line) + 1
	}
}

// readLine reads up to LF. A line that fills the space left (less 4, as
// in Exim) is malformed.
func (c *Conn) readLine(room int) (string, error) {
	var line []byte
	for {
		ch, err := c.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = ErrClosed
			}
			return "", err
		}
		if ch == '\n' {
			for len(line) > 0 && isSpace(line[len(line)-1]) {
				line = line[:len(line)-1]
			}
			return string(line), nil
		}
		line = append(line, ch)
		if room--; room < 4 {
			return string(line), ErrFormat
		}
	}
}

// wellFormed: three digits, then a space, a '-' or the end.
func wellFormed(l string) bool {
	if len(l) < 3 || !isDigit(l[0]) || !isDigit(l[1]) || !isDigit(l[2]) {
		return false
	}
	return len(l) == 3 || l[3] == ' ' || l[3] == '-'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
