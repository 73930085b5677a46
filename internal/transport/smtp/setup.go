package smtp

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"syscall"

	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/lists"
	"exigo/internal/smtpclient"
	"exigo/internal/syserr"
)

// failure is what Exim's error labels carry: the errno, the message,
// the reply's first digit ('4' when there was no reply), whether the
// message quotes the server (af_pass_message) and whether QUIT may
// still be sent.
type failure struct {
	errno    int
	msg      string
	code     byte
	pass     bool
	sendQuit bool
	settled  bool // the addresses have their error already
}

// hostMatch is verify_check_given_host: the expanded host list against
// the host's name and address. Unset lists, forced failures and errors
// do not match.
func (d *delivery) hostMatch(list setting, h item.Host) bool {
	if !list.set {
		return false
	}
	v, err := d.expand(list.text)
	if err != nil {
		return false
	}
	var env *lists.Env
	if d.env.Ctx != nil {
		env = d.env.Ctx.Lists
	}
	if env == nil {
		env = &lists.Env{}
	}
	res, err := lists.MatchHost(env, v, lists.HostID{Addr: h.Address, Name: h.Name})
	return err == nil && res.Matched
}

// connect makes the connection and runs the dialogue up to the point
// where MAIL can be sent (Exim's smtp_setup_conn). On failure the pending
// addresses carry the error and the result says DEFER or ERROR.
func (d *delivery) connect(h *host, iface string, hasNext, suppressTLS bool) (*session, int) {
	s := &session{host: h.Host, commandTimeout: d.o.commandTimeout, cmd: "initial connection", esmtp: true}
	addr := net.JoinHostPort(h.Address, strconv.Itoa(h.Port))
	if d.event("tcp:connect", "") != "" {
		d.setErrno(0, item.ErrnoEvent, "", stDefer, false, nil)
		return nil, rcDefer
	}
	conn, err := smtpclient.Dial(context.Background(), addr, iface, d.o.connectTimeout)
	if err != nil {
		errno := smtpclient.Errno(err)
		if errno == int(syscall.ETIMEDOUT) {
			errno = item.ErrnoConnectTimeout
		}
		d.setErrno(0, errno, "", stDefer, false, nil)
		return nil, rcDefer
	}
	s.conn, s.sendQuit = conn, true
	s.closed = func() { d.event("tcp:close", "") }
	conn.WriteTimeout = d.o.commandTimeout
	if la, ok := conn.LocalAddr().(*net.TCPAddr); ok {
		d.vars["sending_ip_address"] = la.IP.String()
		d.vars["sending_port"] = strconv.Itoa(la.Port)
	}
	// helo_data is expanded now, while the banner is on its way, so that
	// $sending_ip_address can be used in it.
	helo, heloErr := d.expand(d.o.heloData.text)
	s.heloData = helo
	if f := d.handshake(s, heloErr, suppressTLS); f != nil {
		return d.setupFailed(s, f, hasNext)
	}
	if rc := d.clientAuth(s); rc != rcOK {
		return nil, d.quit(s, rc)
	}
	s.pipelined = s.pipelining
	return s, rcOK
}

// handshake reads the banner and does EHLO/HELO and STARTTLS (or, for
// protocol smtps, starts with TLS).
func (d *delivery) handshake(s *session, heloErr error, suppressTLS bool) *failure {
	if d.o.smtps {
		return d.tlsOnConnect(s, heloErr)
	}
	resp, err := s.read()
	s.greeting = resp
	if !ok(resp, err, '2') {
		return d.checkResponse(s, smtpclient.Errno(err), resp)
	}
	if out := d.event("smtp:connect", resp); out != "" {
		d.setErrno(0, item.ErrnoExpandFail, "deferred by smtp:connect event expansion: "+out, stDefer, false, nil)
		return &failure{sendQuit: true, settled: true}
	}
	if heloErr != nil {
		d.setErrno(0, item.ErrnoExpandFail, "failed to expand helo_data: "+heloErr.Error(), stDefer, false, nil)
		return &failure{sendQuit: true, settled: true}
	}
	s.cmd = ""
	s.esmtp = !d.hostMatch(d.o.avoidESMTP, s.host)
	buffer, f := d.hello(s)
	if f != nil {
		return f
	}
	if s.esmtp {
		s.tlsOffer = parseEHLO(buffer).tls
	}
	if s.tlsOffer && !suppressTLS && !d.hostMatch(d.o.avoidTLS, s.host) {
		var started bool
		if buffer, started, f = d.startTLS(s, buffer); f != nil {
			return f
		}
		if started {
			return d.features(s, buffer)
		}
	}
	if d.hostMatch(d.o.requireTLS, s.host) {
		why := "the server did not offer TLS support"
		if s.tlsOffer {
			why = "an attempt to start TLS failed"
		}
		return &failure{errno: item.ErrnoTLSRequired, msg: "a TLS session is required, but " + why, code: '4', sendQuit: true}
	}
	return d.features(s, buffer)
}

// hello sends EHLO (unless hosts_avoid_esmtp), and HELO when EHLO was
// refused. It returns the reply to analyse.
func (d *delivery) hello(s *session) (string, *failure) {
	var ehlo string
	if s.esmtp {
		if _, err := s.write(smtpclient.Flush, "EHLO "+s.heloData); err != nil {
			return "", d.sendFailed(s, err)
		}
		resp, err := s.read()
		s.heloReply = resp
		if ok(resp, err, '2') {
			d.event("smtp:ehlo", resp)
			return resp, nil
		}
		if err != nil || resp == "" {
			return "", d.checkResponse(s, smtpclient.Errno(err), resp)
		}
		s.esmtp, ehlo = false, resp
	}
	if _, err := s.write(smtpclient.Flush, "HELO "+s.heloData); err != nil {
		return "", d.sendFailed(s, err)
	}
	resp, err := s.read()
	s.heloReply = resp
	if ok(resp, err, '2') {
		return resp, nil
	}
	if ehlo != "" && resp == "" && (err == smtpclient.ErrClosed || smtpclient.Errno(err) == int(syscall.ECONNRESET)) {
		return "", &failure{errno: item.ErrnoSMTPClosed, code: '4',
			msg: fmt.Sprintf("Remote host closed connection in response to %s (EHLO response was: %s)", s.command(), ehlo)}
	}
	return "", d.checkResponse(s, smtpclient.Errno(err), resp)
}

// features notes what the last EHLO offered and what will be used.
func (d *delivery) features(s *session, buffer string) *failure {
	if !s.esmtp {
		s.peer = features{}
		return nil
	}
	s.peer = parseEHLO(buffer)
	s.peer.tls = false
	if d.o.sizeAddition < 0 {
		s.peer.size = false
	}
	s.pipelining = s.peer.pipelining && !d.hostMatch(d.o.avoidPipelining, s.host)
	if s.peer.chunking && !d.hostMatch(d.o.tryChunking, s.host) {
		s.peer.chunking = false
	}
	return nil
}

// setupFailed is the FAILED label of smtp_setup_conn: the pending
// addresses get the error (FAIL for a 5xx from the last host), then
// QUIT when allowed.
func (d *delivery) setupFailed(s *session, f *failure, hasNext bool) (*session, int) {
	if !f.settled {
		st := stDefer
		if !hasNext && f.code == '5' {
			st = stFail
		}
		d.setErrno(0, f.errno, f.msg, st, f.pass, s)
	}
	s.sendQuit = f.sendQuit
	return nil, d.quit(s, rcDefer)
}

// quit ends a connection that will not carry a message.
func (d *delivery) quit(s *session, rc int) int {
	s.Close()
	return rc
}

// sendFailed is the SEND_FAILED label.
func (d *delivery) sendFailed(s *session, err error) *failure {
	errno := smtpclient.Errno(err)
	return &failure{errno: errno, code: '4',
		msg: fmt.Sprintf("send() to %s [%s] failed: %s", s.host.Name, s.host.Address, syserr.Number(errno))}
}

// checkResponse is Exim's check_response: the message for a bad or
// missing reply, given the errno after reading it. sendQuit says whether
// the connection is still usable.
func (d *delivery) checkResponse(s *session, errno int, resp string) *failure {
	pl := ""
	if s.pipelined {
		pl = "pipelined "
	}
	f := &failure{errno: errno, code: '4'}
	switch {
	case errno == int(syscall.ETIMEDOUT):
		f.msg = fmt.Sprintf("SMTP timeout after %s%s", pl, s.command())
		if s.written > 0 {
			f.msg += fmt.Sprintf(" (%d bytes written)", s.written)
		}
		return f
	case errno == item.ErrnoSMTPFormat:
		if p := trimLeftSpace(d.printing(resp)); p == "" {
			f.msg = fmt.Sprintf("Malformed SMTP reply (an empty line) in response to %s%s", pl, s.command())
		} else {
			f.msg = fmt.Sprintf("Malformed SMTP reply in response to %s%s: %s", pl, s.command(), p)
		}
		return f
	case resp != "":
		f.msg = fmt.Sprintf("SMTP error from remote mail server after %s%s: %s", pl, s.command(), d.printing(resp))
		f.pass, f.code, f.sendQuit = true, resp[0], true
		return f
	case errno == 0 || errno == int(syscall.ECONNRESET):
		f.errno = item.ErrnoSMTPClosed
		f.msg = fmt.Sprintf("Remote host closed connection in response to %s%s", pl, s.command())
		return f
	}
	f.msg = fmt.Sprintf("%s [%s]", s.host.Name, s.host.Address)
	return f
}

func trimLeftSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')) {
		s = s[1:]
	}
	return s
}

// setErrno is Exim's set_errno for the addresses of the attempt (those
// PENDING): errno, message (when given), status, and with a session the
// host used and the DSN extra information.
func (d *delivery) setErrno(from, errno int, msg string, st status, pass bool, s *session) {
	or := 0
	if errno == item.ErrnoConnectTimeout {
		errno, or = int(syscall.ETIMEDOUT), item.RTEFConnectTimeout
	}
	for _, r := range d.rcpts[max(from, 0):] {
		if r.st != stPendingDefer && r.st != stPendingOK {
			continue
		}
		r.st = st
		r.a.BasicErrno = errno
		r.a.MoreErrno |= or
		if msg != "" {
			r.a.Message = msg
			r.a.PassMessage = r.a.PassMessage || pass
		}
		if s != nil {
			d.noteHost(r, s)
		}
	}
}

// noteHost records the host on an address, with the DSN extra
// information (first lines of the greeting and the EHLO/HELO reply).
func (d *delivery) noteHost(r *rcpt, s *session) {
	h := s.host
	r.a.HostUsed = &h
	r.a.RemoteGreeting = firstLine(s.greeting)
	r.a.RemoteHeloReply = firstLine(s.heloReply)
	if r.a.Message != "" && r.st != stOK {
		r.a.RemoteDiagnostic = r.a.Message
	}
}

// isForced reports a forced expansion failure.
func isForced(err error) bool { return expand.IsForcedFail(err) }
