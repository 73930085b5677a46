package lmtp

import (
	"errors"
	"fmt"
	"time"

	"exigo/internal/item"
	"exigo/internal/syserr"
	"exigo/internal/transport"
)

// session is one LMTP delivery of a batch.
type session struct {
	t     *Transport
	env   *transport.Env
	msg   *transport.Message
	addrs []*item.Address
	dv    *transport.Delivery
	c     *conn
	last  string // the last command, for messages (Exim's big_buffer)
	// pending are the addresses whose RCPT was accepted.
	pending map[*item.Address]bool
}

// failure is how the dialogue went wrong before the per-recipient
// replies: Exim's RESPONSE_FAILED and WRITE_FAILED paths.
type failure struct {
	err   error  // errTimeout, errFormat, a write or read error, nil for EOF
	reply string // the reply read, if any
	write bool   // a command or the data could not be written
}

// Deliver runs the LMTP dialogue for the batch. Each address gets its own
// result from its RCPT or data reply; when the dialogue itself fails,
// the first address's result applies to all.
func (t *Transport) Deliver(env *transport.Env, msg *transport.Message, addrs []*item.Address) {
	if len(addrs) == 0 {
		return
	}
	// Exim's defaults: a deferral with its backstop error number.
	for _, a := range addrs {
		a.Result, a.Message, a.BasicErrno = item.Defer, "", item.ErrnoUnknown
	}
	dv := transport.Prepare(env, t.d, msg, addrs)
	if dv == nil {
		return
	}
	s := &session{t: t, env: env, msg: msg, addrs: addrs, dv: dv, pending: map[*item.Address]bool{}}
	if !s.connect() {
		transport.Copy(addrs)
		return
	}
	if msg.Header != nil && msg.Header.DontDeliver {
		s.c.finish(t.timeout)
		transport.SetAll(addrs, item.OK, 0, "") // -N
		return
	}
	f := s.dialogue()
	if f != nil {
		s.failed(f)
		s.c.kill()
		transport.Copy(addrs)
	}
	s.c.finish(t.timeout)
}

// connect starts the command or connects to the socket.
func (s *session) connect() bool {
	t, a := s.t, s.addrs[0]
	if t.command != "" {
		argv, err := transport.SetUpCommand(transport.CommandSpec{Command: t.command, Expand: true, Ctx: s.dv.Ctx,
			Addrs: s.addrs, What: fmt.Sprintf("%.50s transport", t.d.Name)})
		if err != nil {
			var ce *transport.CommandError
			a.Result, a.Message = item.Fail, err.Error()
			if errors.As(err, &ce) && ce.ExpandFailed {
				a.Result, a.Panic = item.Defer, true
			}
			return false
		}
		if s.c, err = startCommand(argv, transport.WorkDir(a)); err != nil {
			a.Message = fmt.Sprintf("Failed to create child process for %s transport: %s", t.d.Name, syserr.Of(err))
			return false
		}
		return true
	}
	path, err := s.dv.Ctx.Expand(t.socket)
	if err != nil {
		a.Message = fmt.Sprintf("Expansion of \"%s\" (socket setting for %s transport) failed: %s", t.socket, t.d.Name, err)
		return false
	}
	if s.c, err = dialSocket(path); err != nil {
		a.Message = fmt.Sprintf("Failed to connect to socket %s for %s transport: %s", path, t.d.Name, syserr.Of(err))
		return false
	}
	return true
}

// dialogue goes from the greeting to QUIT.
func (s *session) dialogue() *failure {
	t := s.t
	s.last = "initial connection"
	if f := s.expect('2'); f != nil {
		return f
	}
	if f := s.send("LHLO " + s.hostname()); f != nil {
		return f
	}
	lhlo, ok, err := s.c.reply('2', t.timeout)
	if !ok {
		return &failure{err: err, reply: lhlo}
	}
	igquota := ""
	if t.ignoreQuota && ignoreQuotaRE.MatchString(lhlo) {
		igquota = " IGNOREQUOTA"
	}
	if f := s.send("MAIL FROM:<" + s.dv.ReturnPath + ">"); f != nil {
		return f
	}
	if f := s.expect('2'); f != nil {
		s.code4xx(f, item.ErrnoMail4xx)
		return f
	}
	if f := s.recipients(igquota); f != nil {
		return f
	}
	if len(s.pending) > 0 {
		if f := s.data(); f != nil {
			return f
		}
	}
	s.send("QUIT")
	s.c.reply('2', time.Second)
	return nil
}

// recipients sends a RCPT for each address; refused ones get their
// result at once.
func (s *session) recipients(igquota string) *failure {
	for _, a := range s.addrs {
		if f := s.send("RCPT TO:<" + transport.RcptAddress(a, s.t.affixes) + ">" + igquota); f != nil {
			return f
		}
		reply, ok, err := s.c.reply('2', s.t.timeout)
		if ok {
			s.pending[a] = true
			continue
		}
		if err != nil || reply == "" {
			return &failure{err: err, reply: reply}
		}
		s.refuse(a, reply, item.ErrnoRcpt4xx)
	}
	return nil
}

// data sends the message and reads a reply for each accepted recipient.
func (s *session) data() *failure {
	if f := s.send("DATA"); f != nil {
		return f
	}
	if f := s.expect('3'); f != nil {
		s.code4xx(f, item.ErrnoData4xx)
		return f
	}
	s.last = "sending data block"
	w := s.dv.Write
	w.CRLF, w.EndDot, w.CheckString, w.EscapeString = true, true, ".", ".."
	n, err := transport.WriteMessage(&deadlineWriter{s.c, s.t.timeout}, s.msg, &w)
	s.c.dataSent = n.Bytes
	if err != nil {
		if errors.Is(err, errTimeout) || isTimeout(err) {
			err = errTimeout
		}
		return &failure{err: err}
	}
	s.last = "end of data"
	for i, a := range s.addrs {
		if !s.pending[a] {
			continue
		}
		reply, ok, err := s.c.reply('2', s.t.timeout)
		switch {
		case ok:
			a.Result, a.Message, a.BasicErrno, a.SMTPConfirmation = item.OK, "", 0, s.printing(reply)
		case err != nil || reply == "":
			s.failRest(s.addrs[i:], &failure{err: err, reply: reply})
			return nil
		default:
			s.refuse(a, reply, item.ErrnoData4xx)
		}
	}
	return nil
}

// refuse records a recipient's 4xx or 5xx reply.
func (s *session) refuse(a *item.Address, reply string, errno int) {
	a.Message = fmt.Sprintf("LMTP error after %s: %s", s.last, s.printing(reply))
	a.PassMessage = true
	a.Result = item.Defer
	if reply[0] == '5' {
		a.Result = item.Fail
		return
	}
	a.BasicErrno = errno
	a.MoreErrno |= code2(reply) << 8
}

// failRest gives the pending addresses from the first of as on the
// outcome of a reply that went badly wrong after the data.
func (s *session) failRest(as []*item.Address, f *failure) {
	msg, code, _ := s.check(f)
	r := item.Defer
	if code == '5' {
		r = item.Fail
	}
	for _, a := range as {
		if s.pending[a] {
			a.Result, a.Message = r, msg
		}
	}
}

// failed records a dialogue failure on the first address (Exim's
// RESPONSE_FAILED and WRITE_FAILED).
func (s *session) failed(f *failure) {
	a := s.addrs[0]
	if f.write {
		a.Result, a.Panic, a.BasicErrno = item.Defer, true, transport.Errno(f.err)
		var he *transport.HeaderError
		if errors.As(f.err, &he) {
			a.BasicErrno, a.Message = item.ErrnoChHeaderFail, "Failed to expand headers_add or headers_remove: "+he.Msg
		} else {
			a.Message = fmt.Sprintf("Error %d", a.BasicErrno)
		}
		return
	}
	errno := transport.Errno(f.err)
	if errno != 0 {
		a.BasicErrno = errno
	}
	if f.err == errFormat {
		a.BasicErrno = item.ErrnoSMTPFormat
	}
	var he *transport.HeaderError
	if errors.As(f.err, &he) {
		a.BasicErrno = item.ErrnoChHeaderFail
	}
	var fe *transport.FilterError
	if errors.As(f.err, &fe) {
		a.BasicErrno, a.MoreErrno = item.ErrnoFilterFail, fe.Status
	}
	msg, code, quit := s.check(f)
	if quit {
		s.send("QUIT")
		s.c.reply('2', time.Second)
	}
	a.Result, a.Message = item.Defer, msg
	if code == '5' {
		a.Result = item.Fail
	}
	if code == '4' && errno > 0 {
		a.Message += ": " + syserr.Number(errno)
	}
}

// check is Exim's check_response: the message for a failure, the reply
// code's first digit ('4' when there is none) and whether QUIT is due.
func (s *session) check(f *failure) (string, byte, bool) {
	var he *transport.HeaderError
	switch {
	case f.err == errTimeout:
		msg := "LMTP timeout after " + s.last
		if s.c.dataSent > 0 {
			msg += fmt.Sprintf(" (%d bytes written)", s.c.dataSent)
		}
		return msg, '4', false
	case f.err == errFormat:
		return fmt.Sprintf("Malformed LMTP response after %s: %s", s.last, s.printing(f.reply)), '4', false
	case errors.As(f.err, &he):
		return "failed to expand headers_add or headers_remove: " + he.Msg, '4', false
	case errors.As(f.err, new(*transport.FilterError)):
		return f.err.Error(), '4', false // no QUIT in the middle of the data
	case f.reply != "":
		return fmt.Sprintf("LMTP error after %s: %s", s.last, s.printing(f.reply)), f.reply[0], true
	case f.err == nil:
		return "LMTP connection closed after " + s.last, '4', false
	}
	// Exim leaves the message unset here and then formats it with "%s",
	// which its string functions print as "NULL".
	return "NULL", '4', false
}

// deadlineWriter gives each block of the message timeout to be written
// (Exim's transport_write_timeout).
type deadlineWriter struct {
	c       *conn
	timeout time.Duration
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	if d.timeout > 0 {
		d.c.writeDL(time.Now().Add(d.timeout))
	}
	return d.c.w.Write(p)
}

// code4xx notes a 4xx reply to MAIL or DATA for the retry rules.
func (s *session) code4xx(f *failure, errno int) {
	if f.err == nil && f.reply != "" && f.reply[0] == '4' {
		a := s.addrs[0]
		a.BasicErrno = errno
		a.MoreErrno |= code2(f.reply) << 8
	}
}

// send writes a command, remembering it for messages.
func (s *session) send(line string) *failure {
	s.last = line
	if err := s.c.command(line, s.t.timeout); err != nil {
		return &failure{err: err, write: true}
	}
	return nil
}

// expect reads a reply that must start with want.
func (s *session) expect(want byte) *failure {
	reply, ok, err := s.c.reply(want, s.t.timeout)
	if ok {
		return nil
	}
	return &failure{err: err, reply: reply}
}

func (s *session) hostname() string {
	if s.env.Config != nil {
		return s.env.Config.PrimaryHostname()
	}
	return "localhost"
}

// code2 is a reply code's last two digits.
func code2(reply string) int { return int(reply[1]-'0')*10 + int(reply[2]-'0') }

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// printing is Exim's string_printing of a reply (see transport.Printing).
func (s *session) printing(reply string) string { return transport.Printing(s.env.Config, reply) }
