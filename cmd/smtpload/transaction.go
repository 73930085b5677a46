package main

import (
	"fmt"
	"time"
)

// outcome is what became of one message.
type outcome struct {
	accepted bool
	code     int           // reply code that decided a rejection
	latency  time.Duration // end-of-data reply latency, when it was read
	err      error         // connection failure: the message is lost
	closed   bool          // the session is unusable (error or 421)
}

func failed(step string, err error) outcome {
	return outcome{err: fmt.Errorf("%s: %w", step, err), closed: true}
}

func rejected(r reply) outcome {
	return outcome{code: r.code, closed: r.code == 421}
}

// send runs one mail transaction for message seq, pipelined when allowed.
func (s *smtpConn) send(c config, m *message, seq int64) outcome {
	var out outcome
	var mailOK bool
	if c.pipelining && s.pipelining {
		out, mailOK = s.envelopePipelined(c)
	} else {
		out, mailOK = s.envelopeStepByStep(c)
	}
	if out.err == nil && out.code == 0 {
		return s.data(m, seq)
	}
	if mailOK && !out.closed {
		// A transaction the server accepted MAIL for is still open.
		if r, err := s.command("RSET"); err != nil || r.code != 250 {
			out.closed = true
		}
	}
	return out
}

// envelopeStepByStep sends MAIL, RCPT and DATA one by one, stopping at the
// first step that leaves nothing to send. A zero outcome means DATA got 354.
func (s *smtpConn) envelopeStepByStep(c config) (outcome, bool) {
	r, err := s.command("MAIL FROM:<" + c.from + ">")
	if err != nil {
		return failed("MAIL", err), false
	}
	if r.code != 250 {
		return rejected(r), false
	}
	var refusal reply
	accepted := 0
	for _, rcpt := range c.rcpts {
		r, err := s.command("RCPT TO:<" + rcpt + ">")
		if err != nil {
			return failed("RCPT", err), true
		}
		if r.code/100 == 2 {
			accepted++
		} else if refusal.code == 0 {
			refusal = r
		}
		if r.code == 421 {
			return rejected(r), true
		}
	}
	if accepted == 0 {
		return rejected(refusal), true
	}
	if r, err = s.command("DATA"); err != nil {
		return failed("DATA", err), true
	}
	if r.code != 354 {
		return rejected(r), true
	}
	return outcome{}, true
}

// envelopePipelined sends MAIL, every RCPT and DATA in one write (RFC 2920)
// and then reads their replies in order.
func (s *smtpConn) envelopePipelined(c config) (outcome, bool) {
	s.queue("MAIL FROM:<" + c.from + ">")
	for _, rcpt := range c.rcpts {
		s.queue("RCPT TO:<" + rcpt + ">")
	}
	s.queue("DATA")
	if err := s.flush(); err != nil {
		return failed("MAIL", err), false
	}
	replies := make([]reply, 0, len(c.rcpts)+2)
	for range len(c.rcpts) + 2 {
		r, err := s.readReply()
		if err != nil {
			return failed("pipelined envelope", err), false
		}
		replies = append(replies, r)
		if r.code == 421 {
			return rejected(r), false
		}
	}
	return s.judgePipelined(replies)
}

// judgePipelined decides from the MAIL, RCPT... and DATA replies. If the
// server said 354 although nothing can be delivered (RFC 2920 allows it),
// an empty message is sent to close the data phase.
func (s *smtpConn) judgePipelined(replies []reply) (outcome, bool) {
	mail, rcpts, data := replies[0], replies[1:len(replies)-1], replies[len(replies)-1]
	decision := data
	if mail.code != 250 {
		decision = mail
	} else if r, ok := firstRefusal(rcpts); !ok {
		decision = r
	}
	if decision.code == 354 {
		return outcome{}, true
	}
	if data.code == 354 {
		r, err := s.command(".")
		if err != nil {
			return failed("empty DATA", err), false
		}
		if r.code == 421 {
			return rejected(r), false
		}
	}
	return rejected(decision), mail.code == 250 && data.code != 354
}

// firstRefusal returns the first refused RCPT and whether any was accepted.
func firstRefusal(rcpts []reply) (reply, bool) {
	var refusal reply
	any := false
	for _, r := range rcpts {
		if r.code/100 == 2 {
			any = true
		} else if refusal.code == 0 {
			refusal = r
		}
	}
	return refusal, any
}

// data sends the message after a 354 and times the end-of-data reply: from
// the moment the final ".\r\n" has been handed to the kernel until the
// reply has been read.
func (s *smtpConn) data(m *message, seq int64) outcome {
	s.bw.WriteString(m.header(seq))
	s.bw.Write(m.stuffedBody)
	s.bw.WriteString(".\r\n")
	if err := s.flush(); err != nil {
		return failed("message", err)
	}
	t0 := time.Now()
	r, err := s.readReply()
	lat := time.Since(t0)
	if err != nil {
		return failed("end of data", err)
	}
	if r.code != 250 {
		out := rejected(r)
		out.latency = lat
		return out
	}
	return outcome{accepted: true, latency: lat}
}
