package smtpd

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"exigo/internal/acl"
)

// cmdData handles DATA and the first BDAT: the checks that a valid RCPT
// came first, the predata ACL and the 354 go-ahead.
func (s *session) cmdData(bdat, lastRcpt bool) int {
	name := "DATA"
	if bdat {
		name = "BDAT"
	}
	s.had(name)
	s.pipeConnectOK = false
	var chunk *chunkSource
	if bdat {
		if !s.chunkingOffered {
			return s.synprotError(false, 503, "", "BDAT command used when CHUNKING not advertised")
		}
		size, last, ok := parseBDAT(s.data)
		if !ok {
			return s.synprotError(false, 501, "", "missing size for BDAT command")
		}
		chunk = &chunkSource{s: s, left: size, last: last, size: size}
	}
	if !s.discarded && len(s.recipients) == 0 {
		if s.rcptSame && s.rcptResponse != nil {
			s.respond("503", false, "All RCPT commands were rejected with this error:")
			s.respond("503", false, strings.TrimSuffix(*s.rcptResponse, "\r\n"))
		}
		done := goOn
		if s.pipeAdvertised && lastRcpt {
			s.printf("503 Valid RCPT command must precede %s\r\n", name)
		} else {
			done = s.synprotError(false, 503, "", "valid RCPT command must precede "+name)
		}
		if chunk != nil {
			chunk.discard()
		}
		return done
	}
	if s.tooMany && s.srv.Config.Bool("recipients_max_reject") {
		s.sender = nil
		s.printf("554 Too many recipients\r\n")
		return goOn
	}
	if chunk != nil {
		s.bdat = chunk
		defer func() { s.bdat = nil }()
		if !s.receiveMessage(chunk, true) {
			return doneDrop
		}
		return doneData
	}
	if s.srv.Config.IsSet("acl_smtp_predata") {
		s.vars.recipientsVisible = true
		out := s.checkACL(acl.WherePredata, "")
		s.vars.recipientsVisible = false
		if out.Result == acl.OK && !s.checkSync() {
			return s.syncFailure()
		}
		if out.Result != acl.OK {
			if s.handleACLFail(acl.WherePredata, out) {
				return doneDrop
			}
			return goOn
		}
		if out.UserMsg != "" {
			s.userMsg("354", out.UserMsg)
		} else {
			s.printf("354 Enter message, ending with \".\" on a line by itself\r\n")
		}
	} else {
		s.printf("354 Enter message, ending with \".\" on a line by itself\r\n")
	}
	s.w.Flush()
	if !s.receiveMessage(s.r, false) {
		return doneDrop
	}
	return doneData
}

// parseBDAT reads "size [LAST]".
func parseBDAT(arg string) (int64, bool, bool) {
	f := strings.Fields(arg)
	if len(f) == 0 {
		return 0, false, false
	}
	n, err := strconv.ParseUint(f[0], 10, 31)
	if err != nil {
		return 0, false, false
	}
	last := len(f) > 1 && strings.EqualFold(f[1], "LAST")
	return int64(n), last, true
}

// chunkSource yields the bytes of BDAT chunks, acknowledging each chunk
// but the last and reading the next BDAT command between them.
type chunkSource struct {
	s      *session
	left   int64
	last   bool
	unread bool
	prev   byte
	size   int64
	// broken: a wrong command came between chunks; Exim then no longer
	// counts the transfer as chunked ("K", the chunk total).
	broken bool
	err    error // why the transfer ended early
}

func (c *chunkSource) ReadByte() (byte, error) {
	if c.unread {
		c.unread = false
		return c.prev, nil
	}
	for c.left == 0 {
		if c.last {
			return 0, errEOD
		}
		if c.err != nil {
			return 0, c.err // the transfer is over: do not ask again
		}
		if c.err = c.nextChunk(); c.err != nil {
			return 0, c.err
		}
	}
	b, err := c.s.r.ReadByte()
	if err != nil {
		if isTimeout(err) {
			return 0, errTimeout
		}
		return 0, io.EOF
	}
	c.left--
	c.prev = b
	return b, nil
}

func (c *chunkSource) UnreadByte() error {
	c.unread = true
	return nil
}

// nextChunk acknowledges a chunk and reads the next BDAT; RSET, QUIT and
// NOOP are handled, anything else is a protocol error.
func (c *chunkSource) nextChunk() error {
	s := c.s
	if !s.pipeAdvertised && !s.checkSync() {
		line := fmt.Sprintf("SMTP protocol synchronization error (next input sent too soon: pipelining was not advertised): rejected \"%s\" %s next input=\"%s\"",
			printing(s.cmd), s.hostAndIdent(true), printing(s.peekPending(32)))
		s.logMainReject(s.logID(), line, nil)
		s.synprotError(false, 554, "", "SMTP synchronization error")
		return errProtocol
	}
	s.printf("250 %d byte chunk received\r\n", c.chunkSize())
	for {
		switch s.readCommand(true) {
		case cmdBDAT:
			size, last, ok := parseBDAT(s.data)
			if !ok {
				s.synprotError(false, 501, "", "missing size for BDAT command")
				return errProtocol
			}
			if size == 0 && !last {
				c.size = 0
				s.synprotError(false, 504, "", "zero size for BDAT command")
				return c.untilRSET()
			}
			c.left, c.last, c.size = size, last, size
			return nil
		case cmdNOOP:
			s.had("NOOP")
			s.printf("250 OK\r\n")
		case cmdQUIT:
			s.quitHandler()
			return io.EOF
		case cmdRSET:
			s.rsetHandler()
			return errProtocol
		case cmdEOF, cmdTimeout:
			return io.EOF
		default:
			s.synprotError(false, 503, "", "only BDAT permissible after non-LAST BDAT")
			c.broken = true
			return c.untilRSET()
		}
	}
}

// untilRSET is Exim's state after a wrong command between chunks: only
// RSET (which abandons the message) and QUIT mean anything. After QUIT,
// or too many errors, Exim takes the data so far as the whole message
// (the input has not ended, so nothing was lost) and the session goes on
// reading commands.
func (c *chunkSource) untilRSET() error {
	s := c.s
	for {
		switch s.readCommand(true) {
		case cmdQUIT:
			s.quitHandler()
			return errEOD
		case cmdEOF:
			return io.EOF
		case cmdTimeout:
			return errTimeout
		case cmdRSET:
			s.rsetHandler()
			return errProtocol
		default:
			if s.synprotError(false, 503, "", "only RSET accepted now") == doneDrop {
				return errEOD
			}
		}
	}
}

func (c *chunkSource) chunkSize() int64 { return c.size }

// discard reads and drops the rest of the current chunk.
func (c *chunkSource) discard() {
	for c.left > 0 {
		if _, err := c.s.r.ReadByte(); err != nil {
			return
		}
		c.left--
	}
}
