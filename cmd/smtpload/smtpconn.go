package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// reply is one SMTP reply, possibly of several lines.
type reply struct {
	code  int
	lines []string // text after "NNN-" / "NNN "
}

func (r reply) String() string {
	return fmt.Sprintf("%d %s", r.code, strings.Join(r.lines, " / "))
}

// smtpConn is a client session. Every read and write carries the -timeout
// deadline, so a stalled server cannot hang a worker.
type smtpConn struct {
	nc         net.Conn
	br         *bufio.Reader
	bw         *bufio.Writer
	timeout    time.Duration
	pipelining bool // the server advertised PIPELINING
}

// openSession connects, reads the greeting and says EHLO (HELO if EHLO is
// refused). It returns how long all that took: the connection setup latency.
func openSession(c config) (*smtpConn, time.Duration, error) {
	t0 := time.Now()
	nc, err := net.DialTimeout("tcp", c.addr, c.timeout)
	if err != nil {
		return nil, 0, err
	}
	s := &smtpConn{
		nc:      nc,
		br:      bufio.NewReaderSize(nc, 4096),
		bw:      bufio.NewWriterSize(nc, 32*1024),
		timeout: c.timeout,
	}
	if err := s.greet(c.ehlo); err != nil {
		nc.Close()
		return nil, 0, err
	}
	return s, time.Since(t0), nil
}

func (s *smtpConn) greet(name string) error {
	r, err := s.readReply()
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	if r.code != 220 {
		return fmt.Errorf("greeting: %v", r)
	}
	r, err = s.command("EHLO " + name)
	if err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if r.code == 250 {
		s.pipelining = hasExtension(r, "PIPELINING")
		return nil
	}
	if r.code/100 != 5 {
		return fmt.Errorf("EHLO: %v", r)
	}
	if r, err = s.command("HELO " + name); err != nil || r.code != 250 {
		return fmt.Errorf("HELO: %v %v", r, err)
	}
	return nil
}

// hasExtension reports whether an EHLO reply lists keyword; the first line
// is the greeting, the others start with an extension keyword.
func hasExtension(r reply, keyword string) bool {
	for _, l := range r.lines[1:] {
		f := strings.Fields(l)
		if len(f) > 0 && strings.EqualFold(f[0], keyword) {
			return true
		}
	}
	return false
}

// command sends one line and reads its reply.
func (s *smtpConn) command(line string) (reply, error) {
	s.queue(line)
	if err := s.flush(); err != nil {
		return reply{}, err
	}
	return s.readReply()
}

// queue buffers a command line without sending it.
func (s *smtpConn) queue(line string) {
	s.bw.WriteString(line)
	s.bw.WriteString("\r\n")
}

func (s *smtpConn) flush() error {
	s.nc.SetWriteDeadline(time.Now().Add(s.timeout))
	return s.bw.Flush()
}

var errBadReply = errors.New("malformed reply")

// readReply reads lines until one without the '-' continuation mark.
func (s *smtpConn) readReply() (reply, error) {
	s.nc.SetReadDeadline(time.Now().Add(s.timeout))
	var r reply
	for {
		line, err := s.br.ReadString('\n')
		if err != nil {
			return r, err
		}
		code, text, more, ok := parseReplyLine(strings.TrimRight(line, "\r\n"))
		if !ok || (r.lines != nil && code != r.code) {
			return r, fmt.Errorf("%w: %q", errBadReply, line)
		}
		r.code = code
		r.lines = append(r.lines, text)
		if !more {
			return r, nil
		}
	}
}

// parseReplyLine splits "250-text", "250 text" or "250".
func parseReplyLine(line string) (code int, text string, more, ok bool) {
	if len(line) < 3 {
		return 0, "", false, false
	}
	for _, ch := range line[:3] {
		if ch < '0' || ch > '9' {
			return 0, "", false, false
		}
		code = code*10 + int(ch-'0')
	}
	if len(line) == 3 {
		return code, "", false, true
	}
	switch line[3] {
	case '-':
		return code, line[4:], true, true
	case ' ':
		return code, line[4:], false, true
	}
	return 0, "", false, false
}

// quit ends the session politely; the reply is read so the server sees a
// clean close, but any failure here no longer matters.
func (s *smtpConn) quit() {
	s.command("QUIT")
	s.nc.Close()
}
