package smtp

import (
	"errors"
	"strings"

	"exigo/internal/transport"
	"exigo/internal/waitdb"
)

// recordWaiting is the end of smtp_transport_entry when some address is
// still deferred after the hosts were tried: the message is noted as
// waiting for each host of the list in wait-<transport>, so that a later
// delivery to one of them sends it down the same connection. Not after a
// message-specific deferral (no follow-on delivery wanted then), nor for
// a transport limited to one message per connection.
func (d *delivery) recordWaiting(hosts []*host) {
	w := d.env.Wait
	if w == nil || d.noWaiting || d.o.connectionMaxMessages == 1 || d.msgID() == "" || len(hosts) == 0 {
		return
	}
	names := make([]string, 0, len(hosts))
	for _, h := range hosts {
		names = append(names, h.Name)
	}
	db, err := w.DB(d.t.name)
	if err != nil {
		return // as Exim: no database, no record
	}
	_ = waitdb.Record(db, names, d.msgID(), d.now())
}

// continueWaiting is transport_check_waiting after a message went well
// on s (now kept in Conns): another message waiting for the host, with
// the same local identity, is handed to the delivery process to send
// down the connection next.
func (d *delivery) continueWaiting(s *session) {
	w := d.env.Wait
	if w == nil || d.env.Continue == nil {
		return
	}
	if max := d.o.connectionMaxMessages; max > 0 && s.sequence >= max {
		return
	}
	db, err := w.DB(d.t.name)
	if err != nil {
		return
	}
	l := waitdb.Lookup{OnSpool: w.OnSpool, Acceptable: d.sameIdentity(w), Now: d.now()}
	id, _, err := waitdb.Next(db, s.host.Name, d.msgID(), l)
	var bad *waitdb.BadCountError
	if errors.As(err, &bad) && d.env.Log != nil {
		d.env.Log.Main(d.msgID(), bad.Error())
		d.env.Log.Panic(d.msgID(), bad.Error())
	}
	if id == "" {
		return
	}
	d.env.Continue(transport.Continuation{Transport: d.t.name, Host: s.host, ID: id, Sequence: s.sequence})
}

// sameIdentity is smtp_are_same_identities: a waiting message may use
// the connection only if interface, helo_data and tls_certificate expand
// the same with its sender as with this message's (Exim expands them
// with $sender_address and the address variables set from the sender).
func (d *delivery) sameIdentity(w *waitdb.Store) func(id string) bool {
	if w.Sender == nil || d.msg == nil || d.msg.Header == nil {
		return nil
	}
	mine := d.localIdentity(d.msg.Header.Sender)
	return func(id string) bool {
		sender, ok := w.Sender(id)
		return ok && d.localIdentity(sender) == mine
	}
}

// localIdentity is smtp_local_identity.
func (d *delivery) localIdentity(sender string) string {
	lp, dom := sender, ""
	if i := strings.LastIndexByte(sender, '@'); i >= 0 {
		lp, dom = sender[:i], sender[i+1:]
	}
	ctx := withVars(d.ctx, map[string]string{"sender_address": sender, "local_part": lp, "domain": dom})
	part := func(set bool, text string) string {
		if !set {
			return ""
		}
		v, _ := ctx.Expand(text)
		return v
	}
	return part(d.o.iface.set, d.o.iface.text) + "^" + part(true, d.o.heloData.text) + "^" +
		part(d.o.certificate.set, d.o.certificate.text)
}

// continuing reports a delivery down a connection opened for an earlier
// message (Exim's continue_hostname) through this transport.
func (d *delivery) continuing() bool {
	c := d.env.Continued
	return c != nil && c.Transport == d.t.name
}

// skipForContinued: while continuing, only the connected host is used.
func (d *delivery) skipForContinued(h *host) bool {
	if !d.continuing() {
		return false
	}
	c := d.env.Continued
	if h.Name != c.Host.Name || h.Address != c.Host.Address {
		return true
	}
	d.continuedTried = true
	return false
}
