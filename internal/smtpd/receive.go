package smtpd

import (
	"bufio"
	"exigo/internal/address"
	"exigo/internal/eximlog"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"exigo/internal/acl"
	"exigo/internal/spool"
)

// receiveMessage reads the data of a message after DATA (or the first
// BDAT), runs the DATA ACL, spools the message durably and replies. It
// returns false when the session must end.
func (s *session) receiveMessage(src byteSource, chunked bool) bool {
	id, arrival := s.srv.IDs.Next()
	// Exim gives the message its id once the headers are in: lines
	// logged while they are read carry none.
	s.messageID, s.lastID = "", ""
	defer func() { s.messageID = "" }()
	m := &msgReader{
		src: src, dotEnds: !chunked,
		headerMax:     s.srv.Config.Int("header_maxsize"),
		headerLineMax: s.srv.Config.Int("header_line_maxsize"),
		sizeLimit:     s.sizeLimit,
	}
	if m.headerMax <= 0 {
		m.headerMax = 1 << 30
	}
	if s.nonSMTP {
		m.mode, m.eofEnds, m.dotEnds = 2, true, !chunked
	}
	hres, err := m.readHeaders()
	if err != nil {
		return s.dataError(m, err)
	}
	s.messageID, s.lastID = id, id
	m.headerSize = headerSectionSize(hres)
	acl.StartMIMEVars(s.state)
	scanBody := s.newBodyCopy(hres.headers)
	defer scanBody.discard()
	var in *spool.Input
	var body *bufio.Writer
	if !s.srv.HostCheck {
		in, err = s.srv.Spool.Begin(id)
		if err != nil {
			s.srv.Log.Panic(id, "spool write failed: "+err.Error())
			s.swallow(m)
			s.printf("451 Error while writing spool file\r\n")
			return true
		}
		body = bodyWriter(teeBody(in.Body(), scanBody))
		defer releaseBodyWriter(body)
	} else if scanBody != nil {
		body = bodyWriter(scanBody) // -bh spools nothing
		defer releaseBodyWriter(body)
	}
	abort := func() {
		if in != nil {
			in.Abort()
		}
	}
	if err := m.copyBody(hres.firstBody, body, hres.midLine); err != nil {
		abort()
		return s.dataError(m, err)
	}
	if m.tooBig {
		abort()
		return s.tooBig(m)
	}
	if body != nil {
		if err := body.Flush(); err != nil {
			abort()
			s.srv.Log.Panic(id, "spool write failed: "+err.Error())
			s.printf("451 Error while writing spool file\r\n")
			return true
		}
	}
	s.wireSize = wireSize(hres, m)
	msg := s.buildHeaders(hres.headers, arrival)
	if s.nonSMTP && len(s.recipients) == 0 {
		abort()
		s.localErr = fmt.Errorf("no recipients found")
		return false
	}
	h := s.spoolHeader(id, arrival, m, msg)
	s.vars.msg = map[string]string{
		"message_size":            strconv.FormatInt(m.receivedSize(), 10),
		"message_body_size":       strconv.FormatInt(m.size, 10),
		"body_linecount":          strconv.Itoa(m.linecount),
		"message_linecount":       strconv.Itoa(m.linecount + len(msg.lines)),
		"body_zerocount":          strconv.Itoa(m.zerocount),
		"max_received_linelength": strconv.Itoa(m.maxLineLen),
	}
	defer func() { s.vars.msg = nil }()
	out, where, replied := s.dataACL(msg, scanBody)
	switch out.Result {
	case acl.OK, acl.Discard:
	default:
		abort()
		if replied {
			return true
		}
		if s.nonSMTP {
			s.localErr = fmt.Errorf("message rejected: %s", firstNonEmpty(out.UserMsg, out.LogMsg, "rejected by the non-SMTP ACL"))
		}
		s.logRejectionHeaders = msg
		drop := s.handleACLFail(where, out)
		s.logRejectionHeaders = nil
		return !drop
	}
	h.Headers = msg.lines
	if out.Result == acl.Discard || len(s.recipients) == 0 {
		abort()
		s.acceptedReply(id, out.UserMsg)
		s.logReceived(id, h, m)
		by, why := "RCPT ACL", ""
		if out.Result == acl.Discard && where == acl.WhereMIME {
			by = "MIME ACL" // Exim logs no reason for it
		} else if out.Result == acl.Discard {
			by = "DATA ACL"
			if out.LogMsg != "" {
				why = ": " + out.LogMsg
			}
		}
		s.srv.Log.Main(id, "=> blackhole ("+by+" discarded recipients)"+why)
		s.srv.Log.Main(id, "Completed")
		return true
	}
	if in != nil {
		if err := in.Commit(h); err != nil {
			s.srv.Log.Panic(id, "spool write failed: "+err.Error())
			s.printf("451 Error while writing spool file\r\n")
			return true
		}
	} else {
		h.BodySize = m.size
	}
	received := s.logReceived(id, h, m)
	if in != nil {
		s.noteMsglog(id, received)
	}
	_, queue := s.state.Control("queue")
	_, freeze := s.state.Control("freeze")
	s.logControls(id, queue, freeze)
	s.acceptedReply(id, out.UserMsg)
	if s.srv.Accepted != nil && !s.srv.HostCheck {
		s.flushIfIdle() // the client has its reply while delivery (-odi) runs
		s.srv.Accepted(id, queue || freeze || s.queueOnly, s.background)
	}
	return true
}

// chunked tells whether the message came in BDAT chunks, as Exim's
// chunking_state still says after the transfer.
func (s *session) chunked() bool { return s.bdat != nil && !s.bdat.broken }

// acceptedReply is "250 OK id=..." (or the ACL's own message); -bh adds
// Exim's warning that nothing was spooled.
func (s *session) acceptedReply(id, userMsg string) {
	if userMsg != "" {
		s.userMsg("250", userMsg)
	} else if s.chunked() {
		s.printf("250- %d byte chunk, total %d\r\n250 OK id=%s\r\n", s.bdat.size, s.wireSize, id)
	} else {
		s.printf("250 OK id=%s\r\n", id)
	}
	if s.srv.HostCheck {
		s.printf("\n**** SMTP testing: that is not a real message id!\n\n") // LF only, as Exim
	}
}

// dataACL applies the headers queued before DATA, runs acl_smtp_mime for
// each MIME part and acl_smtp_data with the headers visible, then applies
// what they added. It returns the outcome, the ACL that gave it, and
// whether the reply was sent already.
func (s *session) dataACL(msg *message, body *bodyCopy) (acl.Outcome, acl.Where, bool) {
	add, remove := s.state.TakeHeaders()
	msg.applyACL(add, remove)
	s.ctx.Headers = msg
	s.vars.recipientsVisible = true
	scan := s.startScan(msg, body)
	defer func() {
		s.endScan(scan)
		s.ctx.Headers = nil
		s.vars.recipientsVisible = false
	}()
	if out, replied := s.mimeACL(msg, scan); out.Result != acl.OK {
		return out, acl.WhereMIME, replied
	}
	out := acl.Outcome{Result: acl.OK}
	where := acl.WhereDATA
	if s.nonSMTP {
		where = acl.WhereNotSMTP
	}
	if s.srv.Config.IsSet(where.Option()) && len(s.recipients) > 0 {
		out = s.checkACL(where, "")
	}
	add, remove = s.state.TakeHeaders()
	msg.applyACL(add, remove)
	return out, where, false
}

// deliveryHeaderRemovals are the headers a delivery adds, with the
// options that say whether a received copy of them goes.
var deliveryHeaderRemovals = [...]struct {
	option string
	names  []string
}{
	{"return_path_remove", []string{"Return-path"}},
	{"envelope_to_remove", []string{"Envelope-to"}},
	{"delivery_date_remove", []string{"Delivery-date"}},
}

// buildHeaders makes the header list: the Received: line first, then
// the message's own, with Return-Path:, Envelope-To: and Delivery-Date:
// marked deleted as their *_remove options say, and the fix-ups for local
// and submission-mode messages.
func (s *session) buildHeaders(raw []string, arrival time.Time) *message {
	msg := &message{}
	for _, t := range raw {
		msg.lines = append(msg.lines, spool.HeaderLine{Type: headerType(t), Text: t})
	}
	for _, r := range deliveryHeaderRemovals {
		if s.srv.Config.Bool(r.option) {
			msg.remove(r.names)
		}
	}
	// Exim's order: -t's recipients, Message-Id:, recipients rewritten,
	// From: and Sender:, the sender rewritten, the header addresses, then
	// Date:; the Received: line last, with "for" when one recipient.
	if s.extract {
		s.extractRecipients(msg)
	}
	fix := s.fixupsWanted()
	if fix {
		s.fixupMessageID(msg)
	}
	s.rewriteRecipients(msg)
	if fix {
		s.fixupFrom(msg)
	}
	s.rewriteSender(msg)
	s.rewriteHeaders(msg)
	if fix {
		s.fixupDate(msg, arrival)
	}
	rcv := s.receivedHeader(arrival)
	msg.lines = append([]spool.HeaderLine{{Type: spool.HeaderReceived, Text: rcv}}, msg.lines...)
	return msg
}

// fixupsWanted: Message-ID:, Date: and From: are added to locally
// submitted and submission-mode messages that lack them (unless
// suppress_local_fixups).
func (s *session) fixupsWanted() bool {
	_, submission := s.state.Control("submission")
	_, suppress := s.state.Control("suppress_local_fixups")
	s.msgIDCreated = false
	return !suppress && (s.local || submission)
}

func (s *session) fixupMessageID(msg *message) {
	if !msg.has("message-id") && !msg.has("resent-message-id") {
		text := fmt.Sprintf("Message-Id: <E%s@%s>\n", s.messageID, s.srv.Config.PrimaryHostname())
		msg.lines = append(msg.lines, spool.HeaderLine{Type: spool.HeaderMessageID, Text: text})
		s.msgIDCreated = true
	}
}

// fixupFrom adds From: from the envelope sender as it was before any
// rewriting, or checks the user's own From: (local_from_check).
func (s *session) fixupFrom(msg *message) {
	if !msg.has("from") && s.sender != nil {
		from := *s.sender
		if from == "" {
			// An empty sender (-f <>): Exim adds From: only to its own
			// notices, from the caller's login.
			if s.reference == "" {
				return
			}
			from = s.ident + "@" + s.srv.Config.QualifyDomain()
		}
		if name := s.fromName(); name != "" {
			from = name + " <" + from + ">"
		}
		msg.lines = append(msg.lines, spool.HeaderLine{Type: spool.HeaderFrom, Text: "From: " + from + "\n"})
	} else if s.nonSMTP {
		s.senderFixup(msg)
	}
}

func (s *session) fixupDate(msg *message, arrival time.Time) {
	if !msg.has("date") && !msg.has("resent-date") {
		msg.lines = append(msg.lines, spool.HeaderLine{Type: spool.HeaderOther, Text: "Date: " + todFull(arrival) + "\n"})
	}
}

// fromName is the name in an added From: line, as Exim chooses it for a
// local message: the caller's, unless a trusted caller set the sender
// (-f, or over SMTP) without -F.
func (s *session) fromName() string {
	if !s.local || s.trustedCaller() && s.fullName == "" && (!s.nonSMTP || s.senderForced) {
		return ""
	}
	return s.originatorName()
}

// originatorName is -F's name, or the caller's full name from the
// password file, as Exim puts it in an added From: line.
func (s *session) originatorName() string {
	if s.fullName != "" {
		return s.fullName
	}
	if u, err := user.Lookup(s.ident); err == nil {
		name, _, _ := strings.Cut(u.Name, ",")
		return name
	}
	return ""
}

// senderFixup is local_from_check and local_sender_retain for a message
// from an untrusted local user: a Sender: line the user wrote goes, and
// one with the real sender is added when From: names someone else.
func (s *session) senderFixup(msg *message) {
	if s.trustedCaller() {
		return
	}
	cfg := s.srv.Config
	if !cfg.Bool("local_sender_retain") {
		msg.remove([]string{"sender"})
	}
	if !cfg.Bool("local_from_check") {
		return
	}
	real := s.ident + "@" + cfg.QualifyDomain()
	for _, v := range msg.Header("from") {
		for _, item := range acl.SplitAddressList(v) {
			if p, err := address.Extract(item); err == nil && strings.EqualFold(p.Address, real) {
				return
			}
		}
	}
	msg.lines = append(msg.lines, spool.HeaderLine{Type: spool.HeaderSender, Text: "Sender: " + real + "\n"})
}

// trustedCaller: root, the configured exim user and trusted_users.
func (s *session) trustedCaller() bool {
	if s.ident == "root" || os.Getuid() == 0 {
		return true
	}
	for _, u := range strings.Split(s.srv.Config.String("trusted_users"), ":") {
		if strings.TrimSpace(u) == s.ident {
			return true
		}
	}
	return false
}

func todFull(t time.Time) string { return t.Format("Mon, 02 Jan 2006 15:04:05 -0700") }

// receivedHeader expands received_header_text and adds "; date".
func (s *session) receivedHeader(arrival time.Time) string {
	if len(s.recipients) == 1 {
		s.state.Vars["received_for"] = s.recipients[0].address
		defer delete(s.state.Vars, "received_for")
	}
	text, err := s.ctx.Expand(s.srv.Config.String("received_header_text"))
	if err != nil {
		s.srv.Log.Panic(s.messageID, fmt.Sprintf("Expansion of \"%s\" (received_header_text) failed: %s", s.srv.Config.String("received_header_text"), err))
		text = "Received: by " + s.srv.Config.PrimaryHostname()
	}
	text = strings.TrimRight(text, "\n")
	return text + ";\n\t" + todFull(arrival) + "\n"
}

// spoolHeader fills the -H file's fields.
func (s *session) spoolHeader(id string, arrival time.Time, m *msgReader, msg *message) *spool.Header {
	login := s.ident
	if login == "" {
		login = "exigo"
	}
	h := &spool.Header{
		ID: id, Originator: login, UID: os.Getuid(), GID: os.Getgid(),
		Sender: s.senderAddress(), Received: arrival, ReceivedComplete: s.srv.now(),
		ReceivedProtocol:      spool.Clean(s.protocol),
		BodyLinecount:         m.linecount,
		BodyZerocount:         m.zerocount,
		MaxReceivedLinelength: m.maxLineLen,
		DeliverFirsttime:      true,
		DSNEnvID:              s.dsnEnvid,
		SMTPUTF8:              s.smtputf8,
	}
	switch s.dsnRet {
	case "FULL":
		h.DSNRet = 1
	case "HDRS":
		h.DSNRet = 2
	}
	if s.helo != "" {
		h.HeloName = spool.Tainted(s.helo)
	}
	if !s.local {
		h.HostAddress = spool.Clean(s.hostAddress())
		h.HostPort = s.hostPort()
		if s.hostName != "" {
			h.HostName = spool.Tainted(s.hostName)
		}
	} else {
		// Exim's sender_local: a local message from an untrusted caller.
		h.Local = !s.trustedCaller()
		// -E: a bounce or warning exigo made about another message.
		h.LocalError = s.reference != ""
	}
	h.AllowUnqualifiedSender, h.AllowUnqualifiedRecipient = s.allowUnqualSender, s.allowUnqualRcpt
	if s.peer.Local.IsValid() {
		h.InterfaceAddress = spool.Clean(s.peer.Local.Addr().Unmap().String())
		h.InterfacePort = int(s.peer.Local.Port())
	}
	if s.ident != "" {
		// A login name from the system is clean; an RFC 1413 answer is not.
		h.Ident = spool.Tainted(s.ident)
		if s.local {
			h.Ident = spool.Clean(s.ident)
		}
	}
	if s.authName != "" {
		h.HostAuth = spool.Clean(s.authName)
		h.HostAuthPubname = spool.Clean(s.authPubName)
		if s.authID != "" {
			h.AuthID = spool.Tainted(s.authID)
		}
	}
	if s.authSender != "" {
		h.AuthSender = spool.Tainted(s.authSender)
	}
	if s.tlsCipher != "" {
		h.TLSCipher = spool.Clean(s.tlsCipher)
		h.TLSVer = spool.Clean(s.tlsVersion)
		if s.tlsSNI != "" {
			h.TLSSNI = spool.Tainted(s.tlsSNI)
		}
		if s.tlsPeerDN != "" {
			h.TLSPeerDN = spool.Tainted(s.tlsPeerDN)
		}
	}
	if _, ok := s.state.Control("freeze"); ok {
		h.Frozen = true
		h.FrozenAt = s.srv.now()
	}
	for name, val := range s.ctx.ACL {
		h.ACLVars = append(h.ACLVars, spool.ACLVar{Name: name, Var: spool.Clean(val)})
	}
	for _, r := range s.recipients {
		h.Recipients = append(h.Recipients, spool.Recipient{Address: r.address, ORCPT: r.orcpt, DSNFlags: r.dsnFlags})
	}
	h.Headers = msg.lines
	return h
}

// logControls logs, after the "<=" line, what ACLs decided about the
// message's delivery.
func (s *session) logControls(id string, queue, freeze bool) {
	if freeze {
		s.srv.Log.Main(id, "frozen by ACL")
	}
	if queue && s.has(eximlog.DelayDelivery) {
		in := ""
		if s.state.Queue != "" {
			in = " in " + s.state.Queue
		}
		s.srv.Log.Main(id, "no immediate delivery: queued"+in+" by ACL")
	}
}

// logReceived writes the "<=" line; it returns its text after "<= ".
func (s *session) logReceived(id string, h *spool.Header, m *msgReader) string {
	lg := s.srv.Log
	var b strings.Builder
	sender := h.Sender
	if sender == "" {
		sender = "<>"
	}
	b.WriteString("<= " + sender)
	if s.reference != "" {
		b.WriteString(" R=" + s.reference)
	}
	if !s.local {
		b.WriteString(" H=" + s.fullHost(false))
		if s.has(eximlog.IncomingInterface) && s.peer.Local.IsValid() {
			fmt.Fprintf(&b, " I=[%s]:%d", s.peer.Local.Addr().Unmap(), s.peer.Local.Port())
		}
	}
	if s.ident != "" {
		b.WriteString(" U=" + s.ident)
	}
	b.WriteString(" P=" + s.protocol)
	b.WriteString(s.tlsLog())
	if s.authName != "" {
		b.WriteString(" A=" + s.authName)
		if s.authID != "" {
			b.WriteString(":" + s.authID)
		}
	}
	if s.chunked() {
		b.WriteString(" K")
	}
	fmt.Fprintf(&b, " S=%d", h.HeadersSize()+m.size+1)
	if s.has(eximlog.EightBitMIME) && s.body8bit != 0 {
		fmt.Fprintf(&b, " M8S=%d", s.body8bit)
	}
	msg := &message{lines: h.Headers}
	// An id Exim made itself is logged only under msg_id_created, as "id*=".
	if v, ok := msg.value("message-id"); ok {
		switch {
		case !s.msgIDCreated && s.has(eximlog.MsgID):
			b.WriteString(" id=" + strings.Trim(v, "<>"))
		case s.msgIDCreated && s.has(eximlog.MsgIDCreated):
			b.WriteString(" id*=" + strings.Trim(v, "<>"))
		}
	}
	if v, ok := msg.value("subject"); ok && s.has(eximlog.Subject) {
		b.WriteString(" T=" + strconv.Quote(v))
	}
	if s.has(eximlog.ReceivedRecipients) {
		b.WriteString(" for")
		if s.rawRecipients != nil { // as received, before rewriting
			for _, r := range s.rawRecipients {
				b.WriteString(" " + r)
			}
		} else {
			for _, r := range s.recipients {
				b.WriteString(" " + r.address)
			}
		}
	}
	lg.Main(id, b.String())
	return b.String()[3:]
}

// noteMsglog keeps the message log's first line, "Received from" and
// the "<=" line's text, for the delivery that follows (see spool's
// NoteReceived); without one it is written at once.
func (s *session) noteMsglog(id, received string) {
	sp := s.srv.Spool
	if sp == nil || !s.srv.Config.Bool("message_logs") {
		return
	}
	sp.NoteReceived(id, s.srv.Log.Stamp(time.Now())+" Received from "+received)
	if s.srv.Accepted == nil {
		sp.FlushReceived(id)
	}
}

// dataError handles a connection that went away or timed out in the data.
func (s *session) dataError(m *msgReader, err error) bool {
	switch err {
	case errHeaderTooBig:
		s.srv.Log.Main("", fmt.Sprintf("ridiculously long message header received from %s (more than %d characters): message abandoned", s.fullHostOrIdent(), m.headerMax))
		s.swallow(m)
		s.printf("552 Message header is ridiculously long\r\n")
		return true
	case errHeaderLine:
		s.srv.Log.Main("", fmt.Sprintf("overlong message header line received from %s (more than %d characters): message abandoned", s.fullHostOrIdent(), m.headerLineMax))
		s.swallow(m)
		s.printf("552 A message header line is too long\r\n")
		return true
	case errProtocol:
		return true
	case errTimeout:
		if s.has(eximlog.LostIncomingConnection) {
			s.srv.Log.Main("", fmt.Sprintf("SMTP data timeout (message abandoned) on connection from %s F=<%s>", s.fullHostOrIdent(), s.senderAddress()))
		}
		s.notQuit("data-timeout", "421", s.activeHostname+": SMTP incoming data timeout - closing connection.")
		return false
	}
	s.messageID = "" // no message: the lines below carry no id
	if s.has(eximlog.LostIncomingConnection) || s.has(eximlog.SmtpConnection) {
		s.srv.Log.Main("", s.connectionInfo()+" lost while reading message data"+m.lostIn)
	}
	s.notQuit("connection-lost", "", "")
	s.printf("421 Lost incoming connection\r\n")
	s.w.Flush()
	return false
}

func (s *session) fullHostOrIdent() string {
	if s.local {
		return s.ident
	}
	return s.fullHost(false)
}

// swallow reads the rest of a message that will not be kept.
func (s *session) swallow(m *msgReader) {
	if m.ended {
		return
	}
	m.sizeLimit = 0
	m.tooBig = true
	m.copyBody(nil, nil, false)
}

// tooBig rejects a message over message_size_limit once it is all read.
func (s *session) tooBig(m *msgReader) bool {
	if s.has(eximlog.SizeReject) {
		host := ""
		if !s.local {
			host = " H=" + s.fullHost(false)
		}
		line := fmt.Sprintf("rejected from <%s>%s: message too big: read=%d max=%d", s.senderAddress(), host, m.headerSize+m.size, m.sizeLimit)
		s.logMainReject(s.messageID, line, nil)
	}
	s.printf("552 Message size exceeds maximum permitted\r\n")
	return true
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// receivedSize is $message_size in the DATA ACL: what was received, the
// headers as sent (no Received: added yet), the blank line if there was
// one (headerSize, set once the headers are read), and the body.
func (m *msgReader) receivedSize() int64 { return m.headerSize + m.size }

func headerSectionSize(h headerResult) int64 {
	var n int64
	if h.blank {
		n++
	}
	for _, t := range h.headers {
		n += int64(len(t))
	}
	return n
}

// wireSize is the message as a client sent it, each line end a CRLF:
// Exim's message_size + message_linecount, the BDAT total.
func wireSize(h headerResult, m *msgReader) int64 {
	n := m.receivedSize() + int64(m.linecount)
	if h.blank {
		n++
	}
	for _, t := range h.headers {
		n += int64(strings.Count(t, "\n"))
	}
	return n
}
