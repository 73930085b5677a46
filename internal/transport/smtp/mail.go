package smtp

import (
	"fmt"
	"strings"
	"syscall"

	"exigo/internal/item"
	"exigo/internal/smtpclient"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// txn is one mail transaction on a session (the message half of Exim's
// smtp_context). Addresses are indexes into the delivery's list; -1 is
// Exim's NULL.
type txn struct {
	d *delivery
	s *session

	first int // first address of this transaction (sx->first_addr)
	next  int // first address left for the next one (sx->next_addr)
	sync  int // where the next RCPT reply's address is looked for

	ok, completed, sendRset bool
	pendingMAIL, rcpt452    bool
	pendingBDAT             bool
	cmdCount                int // commands whose replies are owed (CHUNKING)

	mailCommand string
	buffer      string // the last reply (sx->buffer)
	errno       int    // errno for the failure handling
	sendMsg     string // SEND_FAILED's message, when not strerror
	repliesRead int    // replies received in this transaction
	yield       int
	msgDefer    bool // message_defer: deferred for a reason tied to the message
}

// nextPending is the first address from i on that the attempt still
// works on, -1 when there is none.
func (d *delivery) nextPending(i int) int {
	for ; i >= 0 && i < len(d.rcpts); i++ {
		if d.rcpts[i].st == stPendingDefer {
			return i
		}
	}
	return -1
}

// read reads one reply and counts it.
func (t *txn) read(digit byte) (string, bool) {
	resp, err := t.s.read()
	if err == nil {
		t.repliesRead++
	}
	t.buffer = resp
	t.errno = smtpclient.Errno(err)
	if err != nil {
		t.buffer = "" // Exim's buffer is empty after a failed read
		if t.errno == item.ErrnoSMTPFormat {
			t.buffer = resp
		}
	}
	return resp, ok(resp, err, digit)
}

// code4xx adds a 4xx reply's last two digits to more_errno, as Exim does.
func code4xx(a *item.Address, resp string) {
	if len(resp) >= 3 {
		a.MoreErrno |= (int(resp[1]-'0')*10 + int(resp[2]-'0')) << 8
	}
}

// mailOptions is build_mailcmd_options: SIZE, the DSN RET and ENVID, and
// AUTH=. ok is false after an authenticated_sender expansion failure.
func (t *txn) mailOptions() (string, bool) {
	var b strings.Builder
	d, s, h := t.d, t.s, t.d.msg.Header
	if h != nil && s.peer.size {
		if size := h.Size(); size > 0 {
			fmt.Fprintf(&b, " SIZE=%d", size+int64(lineCount(h))+int64(d.o.sizeAddition))
		}
	}
	if s.peer.dsn && h != nil && !t.allLastHop() {
		switch h.DSNRet {
		case dsnRetHdrs:
			b.WriteString(" RET=HDRS")
		case dsnRetFull:
			b.WriteString(" RET=FULL")
		}
		if h.DSNEnvID != "" {
			b.WriteString(" ENVID=" + h.DSNEnvID)
		}
	}
	authSender, ok := t.authSender()
	if !ok {
		return "", false
	}
	if (s.authenticated || d.o.authenticatedSenderForce) && authSender != "" {
		b.WriteString(" AUTH=" + xtext(authSender))
		for _, r := range d.rcpts {
			if r.st == stPendingDefer {
				r.a.AuthSender = authSender
			}
		}
	}
	return b.String(), true
}

// Exim's dsn_ret values.
const (
	dsnRetFull = 1
	dsnRetHdrs = 2
)

// lineCount is Exim's message_linecount: the lines of the transmitted
// headers plus the body's.
func lineCount(h *spool.Header) int {
	n := h.BodyLinecount
	for _, l := range h.Headers {
		if l.Type != spool.HeaderOld {
			n += strings.Count(l.Text, "\n")
		}
	}
	return n
}

// allLastHop: every address of the transaction has the DSN last-hop flag,
// so RET and ENVID are not passed on.
func (t *txn) allLastHop() bool {
	n := 0
	for i := t.first; i >= 0 && i < len(t.d.rcpts) && n < t.d.o.maxRcpt; i++ {
		r := t.d.rcpts[i]
		if r.st != stPendingDefer {
			continue
		}
		n++
		if r.a.DSNFlags&spool.DSNLastHop == 0 {
			return false
		}
	}
	return true
}

// authSender is the AUTH= value: the transport's authenticated_sender
// (a forced failure or an empty result keeps the message's own), else
// the message's $authenticated_sender.
func (t *txn) authSender() (string, bool) {
	d := t.d
	sender := ""
	if h := d.msg.Header; h != nil {
		sender = h.AuthSender.Value
	}
	if !d.o.authenticatedSender.set {
		return sender, true
	}
	v, err := d.expand(d.o.authenticatedSender.text)
	if err != nil {
		if isForced(err) {
			return sender, true
		}
		d.setErrno(0, item.ErrnoExpandFail, "failed to expand authenticated_sender: "+err.Error(), stDefer, false, nil)
		return "", false
	}
	if v != "" {
		sender = v
	}
	return sender, true
}

// xtext is RFC 3461's encoding, as Exim's auth_xtextencode.
func xtext(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 33 || c > 126 || c == '+' || c == '=' {
			fmt.Fprintf(&b, "+%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// rcptOptions is build_rcptcmd_options: NOTIFY and ORCPT when the server
// does DSN and the address is not a last hop.
func (t *txn) rcptOptions(a *item.Address) string {
	if !t.s.peer.dsn || a.DSNFlags&spool.DSNLastHop != 0 {
		return ""
	}
	var b strings.Builder
	if a.DSNFlags&(spool.DSNNotifyNever|spool.DSNNotifySuccess|spool.DSNNotifyFailure|spool.DSNNotifyDelay) != 0 {
		b.WriteString(" NOTIFY=")
		sep := ""
		for _, f := range []struct {
			bit  int
			name string
		}{{spool.DSNNotifyNever, "NEVER"}, {spool.DSNNotifySuccess, "SUCCESS"},
			{spool.DSNNotifyFailure, "FAILURE"}, {spool.DSNNotifyDelay, "DELAY"}} {
			if a.DSNFlags&f.bit != 0 {
				b.WriteString(sep + f.name)
				sep = ","
			}
		}
	}
	if a.ORCPT != "" {
		b.WriteString(" ORCPT=" + a.ORCPT)
	}
	return b.String()
}

func (t *txn) rcptAddress(a *item.Address) string {
	return transport.RcptAddress(a, t.d.t.driver.Bool("rcpt_include_affixes"))
}

// mailAndRcpt is smtp_write_mail_and_rcpt_cmds. It returns 0 when the
// RCPT replies are in (or owed, when pipelining), -1 for a bad MAIL
// reply, -2 for a read error, -3 for a RCPT timeout, -4 for a local
// error (the channel is still good) and -5 when a write failed.
func (t *txn) mailAndRcpt() int {
	opts, good := t.mailOptions()
	if !good {
		t.yield = rcError
		return -4
	}
	s := t.s
	t.pendingMAIL = true
	mode := smtpclient.Flush
	if s.pipelined {
		mode = smtpclient.Buffer
	}
	n, err := s.write(mode, "MAIL FROM:<"+t.d.sender+">"+opts)
	t.mailCommand = s.conn.LastCommand
	if err != nil {
		t.errno = smtpclient.Errno(err)
		return -5
	}
	if n > 0 {
		resp, good := t.read('2')
		if !good {
			if t.errno == 0 && strings.HasPrefix(resp, "4") {
				t.errno = item.ErrnoMail4xx
				code4xx(t.d.rcpts[t.first].a, resp)
			}
			return -1
		}
		t.pendingMAIL = false
	}
	return t.rcpts()
}

// rcpts sends the RCPT commands, up to max_rcpt, reading replies as the
// pipelining buffer fills (or after each one without PIPELINING).
func (t *txn) rcpts() int {
	d, s := t.d, t.s
	count, pipeLimit := 0, 100
	i := t.first
	for ; i >= 0 && i < len(d.rcpts) && count < d.o.maxRcpt; i++ {
		r := d.rcpts[i]
		if r.st != stPendingDefer {
			continue
		}
		count++
		noFlush := s.pipelined
		if pipeLimit--; pipeLimit < 0 {
			noFlush, pipeLimit = false, 100
		}
		mode := smtpclient.Flush
		if noFlush {
			mode = smtpclient.Buffer
		}
		n, err := s.write(mode, "RCPT TO:<"+t.rcptAddress(r.a)+">"+t.rcptOptions(r.a))
		if err != nil {
			t.errno = smtpclient.Errno(err)
			return -5
		}
		if n == 0 {
			continue
		}
		switch t.syncResponses(n, 0) {
		case 3:
			t.ok, t.completed = true, true
			continue
		case 2:
			t.completed = true
			continue
		case 1:
			t.ok, t.completed = true, true
		case 0:
		case -1:
			return -3
		case -2:
			return -2
		default:
			return -1
		}
		if t.rcpt452 {
			t.rcpt452 = false
			return 0 // t.next was set at the first 452
		}
	}
	t.next = d.nextPending(i)
	return 0
}

// syncResponses is sync_responses: read count replies and match them to
// the MAIL, RCPT and DATA commands that were sent. pendingData is 0
// without a DATA, +1 when an earlier RCPT was good, -1 otherwise. It
// returns a bit set (1: a RCPT got 2xx, 2: a RCPT got 5xx), or -1 for a
// RCPT timeout, -2 for a read error after RCPT, -3 for a MAIL or DATA
// failure (with t.errno and t.buffer set).
func (t *txn) syncResponses(count, pendingData int) int {
	d, s := t.d, t.s
	yield := 0
	if t.pendingMAIL {
		count--
		t.pendingMAIL, t.rcpt452 = false, false
		if resp, good := t.read('2'); !good {
			s.conn.LastCommand = t.mailCommand
			if t.errno == 0 && resp != "" {
				save := 0
				if resp[0] == '4' {
					save = item.ErrnoMail4xx
					code4xx(d.rcpts[t.sync].a, resp)
				}
				t.discard(count)
				t.errno, t.buffer = save, resp
			}
			t.markHostOnPending(count, pendingData)
			return -3
		}
	}
	if pendingData != 0 {
		count--
	}
	i := t.sync
	for ; count > 0; count-- {
		if i = d.nextPending(i); i < 0 {
			return -2
		}
		if rc := t.rcptReply(d.rcpts[i], i, &yield); rc != 0 {
			return rc
		}
		i++
	}
	t.sync = i
	if pendingData != 0 {
		if resp, good := t.read('3'); !good && (pendingData > 0 || yield&1 != 0) {
			if t.errno == 0 && strings.HasPrefix(resp, "4") {
				t.errno = item.ErrnoData4xx
				code4xx(d.rcpts[t.first].a, resp)
			}
			return -3
		}
	}
	return yield
}

// discard reads and drops replies after a failed MAIL.
func (t *txn) discard(count int) {
	for ; count > 0; count-- {
		resp, good := t.read('2')
		if !good && (t.errno != 0 || resp == "") {
			return
		}
	}
}

// markHostOnPending records the host on the addresses whose RCPT went
// out with a MAIL that failed.
func (t *txn) markHostOnPending(count, pendingData int) {
	if pendingData != 0 {
		count--
	}
	i := t.sync
	for ; count > 0; count-- {
		if i = t.d.nextPending(i); i < 0 {
			return
		}
		h := t.s.host
		t.d.rcpts[i].a.HostUsed = &h
		i++
	}
}

// rcptReply handles the reply to one RCPT.
func (t *txn) rcptReply(r *rcpt, i int, yield *int) int {
	d, s := t.d, t.s
	h := s.host
	r.a.HostUsed = &h
	resp, good := t.read('2')
	switch {
	case good:
		*yield |= 1
		r.st = stPendingOK
		return 0
	case t.errno == int(syscall.ETIMEDOUT):
		msg := fmt.Sprintf("SMTP timeout after RCPT TO:<%s>", t.rcptAddress(r.a))
		d.setErrno(t.first, int(syscall.ETIMEDOUT), msg, stDefer, false, nil)
		d.addRetry(r, "R:"+r.a.Address, 0)
		return -1
	case t.errno != 0 || resp == "":
		s.conn.LastCommand = "RCPT TO:<" + t.rcptAddress(r.a) + ">"
		return -2
	}
	r.a.Message = fmt.Sprintf("SMTP error from remote mail server after RCPT TO:<%s>: %s",
		t.rcptAddress(r.a), d.printing(resp))
	r.a.PassMessage = true
	d.noteHost(r, s)
	if resp[0] == '5' {
		r.st = stFail
		*yield |= 2
		return 0
	}
	r.st = stDefer
	r.a.BasicErrno = item.ErrnoRcpt4xx
	code4xx(r.a, resp)
	d.addressEvent("msg:rcpt:host:defer", r.a, h, r.a.Message, r.a.MoreErrno)
	if r.a.MoreErrno>>8 == 52 && *yield&3 != 0 {
		// 452 after some progress: too many recipients; the rest go in
		// another transaction on this connection.
		if !t.rcpt452 {
			t.rcpt452, t.next = true, i
		}
		r.st, r.a.BasicErrno = stPendingDefer, 0
		return 0
	}
	if s.hasNextHost {
		d.logMain(fmt.Sprintf("H=%s [%s]: %s", h.Name, h.Address, r.a.Message))
	} else {
		d.addressEvent("msg:rcpt:defer", r.a, h, r.a.Message, r.a.MoreErrno)
	}
	key := "R:" + r.a.Address
	if d.o.addressRetryIncludeSender {
		key += ":<" + d.sender + ">"
	}
	r.a.RetryKey = key
	d.addRetry(r, key, 0)
	return 0
}

// addRetry is retry_add_item: the key, the address's errno and message
// (with the host in front when one was used).
func (d *delivery) addRetry(r *rcpt, key string, flags int) {
	msg := r.a.Message
	if h := r.a.HostUsed; h != nil {
		msg = fmt.Sprintf("H=%s [%s]: %s", h.Name, h.Address, msg)
	}
	r.a.Retries = append(r.a.Retries, item.RetryItem{Key: key, BasicErrno: r.a.BasicErrno,
		MoreErrno: r.a.MoreErrno, Message: msg, Flags: flags})
}
