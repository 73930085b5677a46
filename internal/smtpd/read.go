package smtpd

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// Command codes, ordered as Exim orders them: those before
// syncPipelining must be last in a pipelined group; those before
// syncNonPipelining too when pipelining was not advertised.
type cmdCode int

const (
	cmdHELO cmdCode = iota
	cmdEHLO
	cmdDATA
	cmdVRFY
	cmdEXPN
	cmdNOOP
	cmdETRN
	cmdSTARTTLS
	syncPipelining
	cmdMAIL
	cmdRCPT
	cmdRSET
	syncNonPipelining
	cmdBDAT
	cmdAUTH
	cmdQUIT
	cmdHELP
	cmdEOF
	cmdOther
	cmdBadArg
	cmdBadChar
	cmdBadSync
	cmdTooManyNonmail
	cmdTimeout
)

type cmdDef struct {
	name   string
	code   cmdCode
	hasArg bool
	// mail commands do not count towards smtp_accept_max_nonmail.
	mail bool
}

var cmdTable = []cmdDef{
	{"rset", cmdRSET, false, false},
	{"helo", cmdHELO, true, false},
	{"ehlo", cmdEHLO, true, false},
	{"auth", cmdAUTH, true, true},
	{"starttls", cmdSTARTTLS, false, false},
	{"mail from:", cmdMAIL, true, true},
	{"rcpt to:", cmdRCPT, true, true},
	{"data", cmdDATA, false, true},
	{"bdat", cmdBDAT, true, true},
	{"quit", cmdQUIT, false, true},
	{"noop", cmdNOOP, true, false},
	{"etrn", cmdETRN, true, false},
	{"vrfy", cmdVRFY, true, false},
	{"expn", cmdEXPN, true, false},
	{"help", cmdHELP, true, false},
}

const maxCommandLine = 16384

var errTimeout = errors.New("timeout")

// readLine reads one line (without its LF). A line longer than limit
// is cut as Exim cuts it: limit bytes are kept, the next one is dropped,
// and the rest is left to be read as the next line (long=true).
func (s *session) readLine(limit int) (line string, long bool, err error) {
	s.flushIfIdle()
	s.setReadDeadline()
	var b []byte
	for {
		if s.r.Buffered() == 0 {
			if _, err := s.r.Peek(1); err != nil {
				if isTimeout(err) {
					return "", false, errTimeout
				}
				return "", false, io.EOF
			}
		}
		buf, _ := s.r.Peek(s.r.Buffered())
		if i := bytes.IndexByte(buf, '\n'); i >= 0 && len(b)+i <= limit {
			b = append(b, buf[:i]...)
			s.r.Discard(i + 1)
			return string(b), false, nil
		}
		if room := limit - len(b); len(buf) > room {
			b = append(b, buf[:room]...)
			s.r.Discard(room + 1)
			return string(b), true, nil
		}
		b = append(b, buf...)
		s.r.Discard(len(buf))
	}
}

// flushIfIdle sends pending replies when no more input is buffered: the
// client is waiting for them.
func (s *session) flushIfIdle() {
	if s.r.Buffered() == 0 {
		s.w.Flush()
	}
}

func (s *session) setReadDeadline() {
	if s.conn == nil {
		return
	}
	t := s.srv.Config.Time("smtp_receive_timeout")
	if t > 0 {
		s.conn.SetReadDeadline(time.Now().Add(t))
	} else {
		s.conn.SetReadDeadline(time.Time{})
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded)
}

// readCommand reads and classifies the next command, as Exim's
// smtp_read_command does, including the check that a client did not send
// more input before a command that must end a pipelined group.
func (s *session) readCommand(checkSync bool) cmdCode {
	line, long, err := s.readLine(maxCommandLine)
	if err == errTimeout {
		return cmdTimeout
	}
	if err != nil {
		return cmdEOF
	}
	if long {
		s.cmd, s.cmdArg, s.data = line, "", ""
		return cmdOther
	}
	line = strings.TrimRight(line, " \t\r\n\f\v")
	hadNul := strings.IndexByte(line, 0) >= 0
	if hadNul {
		line = strings.ReplaceAll(line, "\x00", "?")
	}
	s.cmd = line
	if hadNul {
		return cmdBadChar
	}
	for _, c := range cmdTable {
		n := len(c.name)
		if len(line) < n || !strings.EqualFold(line[:n], c.name) {
			continue
		}
		if c.name[n-1] != ':' && len(line) > n && line[n] != ' ' {
			continue
		}
		if s.r.Buffered() > 0 && c.code < s.syncLimit() && checkSync && s.syncEnforced() {
			return cmdBadSync
		}
		s.cmdArg = strings.TrimLeft(line[n:], " \t")
		s.data = s.cmdArg
		if !c.mail && !s.nonmailFree[c.name] {
			if s.countsNonmail() {
				s.nonmailCommands++
				if s.nonmailCommands > int(s.srv.Config.Int("smtp_accept_max_nonmail")) {
					return cmdTooManyNonmail
				}
			}
		}
		if !c.hasArg && s.data != "" {
			return cmdBadArg
		}
		return c.code
	}
	s.cmdArg, s.data = "", ""
	if s.r.Buffered() > 0 && checkSync && s.syncEnforced() {
		return cmdBadSync
	}
	return cmdOther
}

func (s *session) syncLimit() cmdCode {
	if s.pipeAdvertised {
		return syncPipelining
	}
	return syncNonPipelining
}

// syncEnforced: smtp_enforce_sync (or the ACL controls) for a real
// network peer; never for -bs, -bh or local callers.
func (s *session) syncEnforced() bool {
	if s.conn == nil || s.local {
		return false
	}
	if _, off := s.state.Control("no_enforce_sync"); off {
		return false
	}
	if _, on := s.state.Control("enforce_sync"); on {
		return true
	}
	return s.srv.Config.Bool("smtp_enforce_sync")
}

// pendingInput reports input that has arrived but not been read, without
// blocking (Exim's wouldblock_reading turned around).
func (s *session) pendingInput() bool {
	if s.r.Buffered() > 0 {
		return true
	}
	if s.peer.Conn == nil {
		return false
	}
	return socketReadable(s.peer.Conn)
}

// socketReadable peeks at the socket without blocking.
func socketReadable(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	var n int
	var b [1]byte
	rc.Read(func(fd uintptr) bool {
		n, _, _ = syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true
	})
	return n > 0
}

// checkSync is false when a network client has sent input it should not
// have sent yet.
func (s *session) checkSync() bool {
	if !s.syncEnforced() {
		return true
	}
	return !s.pendingInput()
}

func (s *session) countsNonmail() bool {
	if s.countNonmail < 0 {
		s.countNonmail = 0
		if s.hostMatches("smtp_accept_max_nonmail_hosts") != matchNo {
			s.countNonmail = 1
		}
	}
	return s.countNonmail == 1
}
