package smtp

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"exigo/internal/item"
	"exigo/internal/smtpclient"
	"exigo/internal/syserr"
	"exigo/internal/transport"
)

// Where a transaction step leaves the flow, as Exim's labels.
type exit int

const (
	goOn exit = iota
	responseFailed
	sendFailed
	endOff   // close at once: no QUIT
	sendQuit // end with QUIT
)

// transact runs the message's transactions on s (Exim's smtp_deliver
// from SEND_MESSAGE on) and then keeps or closes the connection. broken
// says that a reused connection failed before its first reply: the
// caller starts afresh and nothing was recorded.
func (d *delivery) transact(s *session, hasNext, reused bool) (rc int, messageDefer, broken bool) {
	s.hasNextHost = hasNext
	t := &txn{d: d, s: s, first: d.nextPending(0), yield: rcOK}
	if reused && s.tlsCipher != "" {
		d.noteTLS(s)
	}
	if !d.setUpFilter(s) {
		s.Close()
		return rcError, false, false
	}
	start := s.sequence
	for {
		s.sequence++
		ex := t.message()
		if reused && s.sequence == start+1 && t.repliesRead == 0 && lostConnection(ex, t.errno) {
			s.sendQuit = false
			s.Close()
			return 0, false, true
		}
		if ex == endOff {
			s.sendQuit = false
			s.Close()
			return t.yield, t.msgDefer, false
		}
		if ex != goOn && ex != sendQuit {
			t.failed(ex)
		}
		if ex == goOn && t.first >= 0 && t.reset() {
			s.pipelined = s.pipelining
			continue // more addresses than max_rcpt: another transaction
		}
		break
	}
	if t.keepOrQuit() {
		return t.yield, t.msgDefer, false
	}
	s.Close()
	return t.yield, t.msgDefer, false
}

// lostConnection: the failure is a connection that was already gone.
func lostConnection(ex exit, errno int) bool {
	if ex != sendFailed && ex != responseFailed {
		return false
	}
	switch errno {
	case 0, int(syscall.EPIPE), int(syscall.ECONNRESET), item.ErrnoSMTPClosed:
		return true
	}
	return false
}

// message is one transaction: MAIL, RCPTs, DATA or BDAT, the final reply.
func (t *txn) message() exit {
	s := t.s
	t.sync, t.ok, t.sendRset, t.completed = t.first, false, true, false
	t.msgDefer = false
	switch t.mailAndRcpt() {
	case 0:
	case -1, -2:
		return responseFailed
	case -3:
		return endOff
	case -4:
		return sendQuit
	default:
		return sendFailed
	}
	chunking := t.d.chunkingFor(s)
	if !chunking && (t.ok || s.pipelined) {
		n, err := s.write(smtpclient.Flush, "DATA")
		if err != nil {
			t.errno = smtpclient.Errno(err)
			return sendFailed
		}
		pend := -1
		if t.ok {
			pend = 1
		}
		switch t.syncResponses(n, pend) {
		case 3, 1:
			t.ok, t.completed = true, true
		case 2:
			t.completed = true
		case 0:
		case -1:
			return endOff
		default:
			return responseFailed
		}
		s.pipelined = false
	}
	if !t.ok && (!chunking || !s.pipelined) {
		t.first, t.ok = t.next, true // no good recipient: nothing to send
		return goOn
	}
	t.first = t.next
	return t.data(chunking)
}

// data sends the message and reads the final reply.
func (t *txn) data(chunking bool) exit {
	d, s := t.d, t.s
	t.buffer = ""
	s.cmd, s.written = "sending data block", 0
	t.pendingBDAT, t.cmdCount = false, 0
	var err error
	if chunking {
		err = t.writeBDAT()
	} else {
		err = t.writeDATA()
	}
	if err != nil {
		return t.dataWriteFailed(err)
	}
	s.cmd = "end of data"
	if chunking && t.cmdCount > 1 {
		switch t.syncResponses(t.cmdCount-1, 0) {
		case 3, 1:
			t.completed = true
		case 2:
			t.completed = true
		case 0:
		case -1:
			return endOff
		default:
			return responseFailed
		}
	}
	resp, good := t.readFinal()
	t.ok = good
	if !good {
		if t.errno == 0 && strings.HasPrefix(resp, "4") {
			t.errno = item.ErrnoData4xx
			code4xx(d.rcpts[0].a, resp)
		}
		return responseFailed
	}
	t.delivered(resp, chunking)
	return goOn
}

// readFinal reads the reply to the end of data within final_timeout.
func (t *txn) readFinal() (string, bool) {
	resp, err := t.s.conn.ReadResponse(t.d.o.finalTimeout)
	if err == nil {
		t.repliesRead++
	}
	t.errno = smtpclient.Errno(err)
	t.buffer = resp
	if err != nil && t.errno != item.ErrnoSMTPFormat {
		t.buffer = ""
	}
	return resp, ok(resp, err, '2')
}

// dataWriteFailed turns a failed write of the message into Exim's
// failure: a bad BDAT reply, a header expansion error (ERROR: no host
// will do better), or an I/O error.
func (t *txn) dataWriteFailed(err error) exit {
	var he *transport.HeaderError
	var fe *transport.FilterError
	switch {
	case errors.Is(err, errChunk):
	case errors.As(err, &he):
		t.errno = item.ErrnoChHeaderFail
		t.sendMsg = "failed to expand headers_add or headers_remove: " + he.Msg
	case errors.As(err, &fe):
		// Exim sends no QUIT: that would end the data.
		t.errno, t.sendMsg = item.ErrnoFilterFail, fe.Error()
	default:
		t.errno = smtpclient.Errno(err)
		var be *transport.BodyError
		if errors.As(err, &be) {
			t.errno = item.ErrnoSpoolFormat
			t.sendMsg = be.Error()
		}
	}
	return responseFailed
}

// delivered settles the addresses a RCPT accepted after a good final
// reply: OK, with the host, the confirmation (C=) and the log flags.
func (t *txn) delivered(resp string, chunking bool) {
	d, s := t.d, t.s
	conf := d.printing(resp)
	t.sendRset = false
	s.pipelined = false
	for _, r := range d.rcpts {
		if r.st != stPendingOK {
			continue
		}
		r.st = stOK
		d.noteHost(r, s)
		r.a.SMTPConfirmation = conf
		r.a.Confirmation = resp
		r.a.Pipelining = s.pipelining
		r.a.Chunking = chunking
		r.a.Continued = s.sequence > 1
		r.a.Authenticator, r.a.AuthID = "", ""
		if s.authenticated {
			r.a.Authenticator, r.a.AuthID = s.authenticator, s.authID
		}
		r.a.TLSCipher, r.a.TLSVerified, r.a.TLSPeerDN = s.tlsCipher, s.tlsCV, s.tlsDN
		r.a.DeliveredAt = d.now()
	}
}

// failed is the RESPONSE_FAILED / SEND_FAILED / FAILED part of
// smtp_deliver: make the message, decide whether the trouble is about
// this message (MAIL or DATA refused, a timeout after MAIL or the end of
// data) or about the host, and set the pending addresses.
func (t *txn) failed(ex exit) {
	d, s := t.d, t.s
	var f *failure
	if ex == sendFailed {
		msg := t.sendMsg
		if msg == "" {
			msg = syserr.Number(t.errno)
		}
		f = &failure{errno: t.errno, code: '4',
			msg: fmt.Sprintf("send() to %s [%s] failed: %s", s.host.Name, s.host.Address, msg)}
		s.sendQuit = false
	} else if t.sendMsg != "" {
		f = &failure{errno: t.errno, code: '4', msg: t.sendMsg}
		s.sendQuit = false
	} else {
		f = d.checkResponse(s, t.errno, t.buffer)
		s.sendQuit = s.sendQuit && f.sendQuit
	}
	t.ok = false
	setMsg, st := f.msg, stDefer
	cmd := s.command()
	messageError := false
	switch f.errno {
	case 0, item.ErrnoMail4xx, item.ErrnoData4xx:
		messageError = true
	case int(syscall.ETIMEDOUT):
		messageError = strings.HasPrefix(cmd, "MAIL") || strings.HasPrefix(cmd, "end ")
	case item.ErrnoSMTPClosed:
		messageError = strings.HasPrefix(cmd, "end ")
	}
	if messageError {
		if f.code == '5' {
			st = stFail
		} else {
			msg := f.msg
			if f.errno > 0 {
				msg += ": " + syserr.Number(f.errno)
			}
			firstErrno := 0
			if t.first >= 0 {
				firstErrno = d.rcpts[t.first].a.BasicErrno
			}
			d.writeLogs(&host{Host: s.host}, msg, firstErrno)
			t.msgDefer = true
		}
	} else if f.errno == item.ErrnoChHeaderFail || f.errno == item.ErrnoFilterFail {
		t.yield = rcError
	} else {
		t.yield = rcDefer
	}
	d.setErrno(0, f.errno, setMsg, st, f.pass, s)
}

// reset sends RSET before another transaction when the last one did not
// end with a delivered message. false: the connection is no longer fit.
func (t *txn) reset() bool {
	s := t.s
	if !t.completed || !t.ok || !s.sendQuit {
		return false
	}
	if !t.sendRset {
		return true
	}
	if _, err := s.write(smtpclient.Flush, "RSET"); err != nil {
		t.errno = smtpclient.Errno(err)
		t.rsetFailed(fmt.Sprintf("send() to %s [%s] failed: %s", s.host.Name, s.host.Address,
			syserr.Number(t.errno)))
		s.sendQuit = false
		return false
	}
	if _, good := t.read('2'); !good {
		f := t.d.checkResponse(s, t.errno, t.buffer)
		s.sendQuit = f.sendQuit
		t.rsetFailed(f.msg)
		return false
	}
	return true
}

// rsetFailed defers what is left when RSET failed.
func (t *txn) rsetFailed(msg string) {
	t.ok = false
	if t.first >= 0 {
		t.d.setErrno(t.first, t.errno, msg, stDefer, false, t.s)
	}
}

// keepOrQuit keeps a connection whose last transaction went well for the
// next message (after RSET when it delivered nothing); true when kept.
func (t *txn) keepOrQuit() bool {
	if t.d.env.Conns == nil || t.s.key == "" {
		return false
	}
	if max := t.d.o.connectionMaxMessages; max > 0 && t.s.sequence >= max {
		return false
	}
	delivered := !t.sendRset // the last transaction sent the message
	if !t.reset() {
		return false
	}
	t.s.pipelined = t.s.pipelining
	if !t.d.keepConn(t.s) {
		return false
	}
	if delivered {
		t.d.continueWaiting(t.s)
	}
	return true
}
