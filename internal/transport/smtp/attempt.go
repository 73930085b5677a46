package smtp

import (
	"fmt"
	"strconv"

	"exigo/internal/eximlog"
	"exigo/internal/item"
	"exigo/internal/syserr"
)

// prepare is prepare_addresses: the addresses still deferred become the
// ones this host attempt works on, with last attempt's error cleared and
// more_errno saying whether the host came from MX ('M') or not ('A').
func (d *delivery) prepare(h *host) *rcpt {
	var first *rcpt
	for _, r := range d.rcpts {
		if r.st != stDefer {
			continue
		}
		if first == nil {
			first = r
		}
		r.st = stPendingDefer
		r.a.BasicErrno, r.a.Message = 0, ""
		r.a.MoreErrno = 'A'
		if h.MX >= 0 {
			r.a.MoreErrno = 'M'
		}
		r.a.TLSCipher, r.a.TLSVerified, r.a.TLSPeerDN = "", "", ""
		r.a.RemoteGreeting, r.a.RemoteHeloReply, r.a.RemoteDiagnostic = "", "", ""
	}
	return first
}

// attemptHost delivers to one host; after a failed TLS negotiation it
// tries again in clear when the options allow (Exim does this from the
// host loop, on a new connection).
func (d *delivery) attemptHost(h *host, iface string, hasNext bool) (int, bool) {
	first := d.prepare(h)
	if first == nil {
		return rcOK, false
	}
	rc, messageDefer := d.deliverToHost(h, iface, hasNext, false)
	fa := first.a
	if rc == rcDefer && fa.BasicErrno != item.ErrnoAuthFail && fa.BasicErrno != item.ErrnoTLSFailure {
		d.writeLogs(h, fa.Message, fa.BasicErrno)
	}
	if rc == rcDefer && fa.BasicErrno == item.ErrnoTLSFailure && d.o.tempfailTryClear && !d.o.smtps &&
		!d.hostMatch(d.o.requireTLS, h.Host) {
		d.logMain(fmt.Sprintf("%s: delivering unencrypted to H=%s [%s] (not in hosts_require_tls)",
			fa.Message, h.Name, h.Address))
		first = d.prepare(h)
		rc, messageDefer = d.deliverToHost(h, iface, hasNext, true)
		if rc == rcDefer && first.a.BasicErrno != item.ErrnoAuthFail {
			d.writeLogs(h, first.a.Message, first.a.BasicErrno)
		}
	}
	if rc == rcDefer {
		d.hostDeferred(h, first.a, hasNext)
	}
	return rc, messageDefer
}

// writeLogs is write_logs: "H=name [ip]: message[: strerror]" or
// "H=name [ip] strerror" in the main log and the message log.
func (d *delivery) writeLogs(h *host, msg string, errno int) {
	line := fmt.Sprintf("H=%s [%s]", h.Name, h.Address)
	if d.env.Log != nil && d.env.Log.Selector().Has(eximlog.OutgoingPort) {
		line += ":" + strconv.Itoa(h.Port)
	}
	if msg != "" {
		line += ": " + msg
		if errno > 0 {
			line += ": " + syserr.Number(errno)
		}
	} else {
		line += " " + errstr(errno)
	}
	d.logMain(line)
	if d.env.Msglog != nil {
		d.env.Msglog(line)
	}
}

// errstr is exim_errstr: strerror for system errors, a word for Exim's.
func errstr(errno int) string {
	if errno > 0 {
		return syserr.Number(errno)
	}
	switch errno {
	case item.ErrnoSMTPClosed:
		return "SMTP connection closed"
	case item.ErrnoSMTPFormat:
		return "SMTP format error"
	case item.ErrnoEvent:
		return "Event requests alternate response"
	}
	return "unknown error"
}

// deliverToHost is smtp_deliver: a connection (a kept one, or a new
// one), then the message in one or more transactions.
func (d *delivery) deliverToHost(h *host, iface string, hasNext, suppressTLS bool) (int, bool) {
	key := d.connKey(h, iface)
	if s := d.takeConn(key); s != nil {
		rc, md, broken := d.transact(s, hasNext, true)
		if !broken {
			return rc, md
		}
		// The kept connection had died while idle: start afresh.
		d.prepare(h)
		d.resetPending()
	}
	s, rc := d.connect(h, iface, hasNext, suppressTLS)
	if rc != rcOK {
		return rc, false
	}
	s.key = key
	rc, md, _ := d.transact(s, hasNext, false)
	return rc, md
}

// resetPending puts the addresses of a failed reuse back to the start.
func (d *delivery) resetPending() {
	for _, r := range d.rcpts {
		if r.st == stDefer {
			r.st = stPendingDefer
		}
	}
}

// connKey identifies connections that may carry the next message: same
// transport, host, port and local identity (Exim compares the
// interface, helo_data and tls_certificate).
func (d *delivery) connKey(h *host, iface string) string {
	helo, _ := d.expand(d.o.heloData.text)
	cert := ""
	if d.o.certificate.set {
		cert, _ = d.expand(d.o.certificate.text)
	}
	return fmt.Sprintf("smtp|%s|%s|%s|%d|%s|%s|%s", d.t.name, h.Name, h.Address, h.Port, iface, helo, cert)
}

// takeConn takes a kept connection for key, dropping any that the
// server has closed or talked on since (a 421 on idle timeout).
func (d *delivery) takeConn(key string) *session {
	for {
		c := d.env.Conns.Take(key)
		if c == nil {
			return nil
		}
		s, ok := c.(*session)
		if !ok {
			c.Close()
			continue
		}
		if s.conn.Quiet() {
			return s
		}
		s.sendQuit = false
		s.Close()
	}
}

// keepConn offers a connection that ended a message cleanly for reuse,
// unless connection_max_messages is reached.
func (d *delivery) keepConn(s *session) bool {
	if d.env.Conns == nil || s.key == "" {
		return false
	}
	if max := d.o.connectionMaxMessages; max > 0 && s.sequence >= max {
		return false
	}
	d.env.Conns.Put(s.key, s)
	return true
}
