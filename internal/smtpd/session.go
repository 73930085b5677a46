package smtpd

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"time"

	"exigo/internal/acl"
	"exigo/internal/auth"
	"exigo/internal/eximlog"
	"exigo/internal/expand"
	"exigo/internal/hints"
	"exigo/internal/lists"
)

// Received protocols by [esmtp][tls][auth] as Exim names them.
var protocols = map[bool][6]string{
	false: {"smtp", "smtps", "esmtp", "esmtps", "esmtpa", "esmtpsa"},
	true:  {"local-smtp", "local-smtps", "local-esmtp", "local-esmtps", "local-esmtpa", "local-esmtpsa"},
}

// session is one SMTP connection.
type session struct {
	srv  *Server
	peer Peer
	r    *bufio.Reader
	w    *bufio.Writer
	conn net.Conn // the current transport (a *tls.Conn after STARTTLS)

	start time.Time
	local bool // no IP address: -bs from a local process

	// connection state
	helo            string // $sender_helo_name, "" when none accepted
	hostName        string // verified $sender_host_name
	hostLookupDone  bool
	hostLookupFail  bool
	hostLookupMsg   string       // why there is no name, as Exim's host_lookup_msg
	fullPeer        eximlog.Peer // the host as $sender_fullhost last showed it
	fullBuilt       bool
	ident           string
	esmtp           bool
	heloSeen        bool
	pipeAdvertised  bool
	pipeConnectOK   bool
	authAdvertised  bool
	tlsAdvertised   bool
	dsnAdvertised   bool
	chunkingOffered bool
	utf8Advertised  bool
	tlsActive       bool
	tlsCipher       string
	tlsVersion      string
	tlsPeerDN       string
	tlsSNI          string
	authName        string // $sender_host_authenticated (the authenticator's name)
	authPubName     string
	authID          string // $authenticated_id
	authFailID      string
	advertisedAuths map[*auth.Instance]bool
	authSess        *auth.Session
	protocol        string
	activeHostname  string
	sizeLimit       int64 // message_size_limit for this connection; 0 none

	helloRequired, heloVerify, heloJunk bool
	allowUnqualSender, allowUnqualRcpt  bool

	mailCount, synprotErrors, unknownCommands, nonmailCommands int
	countNonmail                                               int // -1 unknown, 0 no, 1 yes
	nonmailFree                                                map[string]bool
	history                                                    []string

	// message state
	sender                      *string // nil: no MAIL yet; "" is <>
	rawSender                   string
	rawRecipients               []string // before rewriting, for received_recipients
	recipients                  []recipient
	rcptCount                   int
	rcptFail                    int
	rcptDefer                   int
	messageSize                 int64 // SIZE= or -1
	body8bit                    int
	dsnRet                      string
	dsnEnvid                    string
	smtputf8                    bool
	authSender                  string
	discardedAll                bool
	discarded                   bool
	tooMany                     bool
	lastWasRejMail, lastWasRcpt bool
	rcptResponse                *string
	rcptSame                    bool
	rcptInProgress              bool
	messageID                   string
	logRejectionHeaders         *message
	queueOnly                   bool         // smtp_accept_queue reached
	msgIDCreated                bool         // the fix-ups made the Message-Id:
	bdat                        *chunkSource // the BDAT transfer of the message being received
	wireSize                    int64        // the message as sent, for the last BDAT's reply
	// non-SMTP (-bm, -t) reception
	nonSMTP              bool
	reference            string // the message a bounce reports on (R= on the <= line)
	background           bool   // LocalMessage.Background
	extract              bool
	fullName             string
	senderForced         bool // the sender was given, not made from the login
	localErr             error
	lastID               string
	mailDelay, rcptDelay float64 // smtp_ratelimit_* delays in ms

	// collaborators
	state  *acl.State
	ctx    *expand.Context
	aclEnv *acl.Env
	vars   *sessionVars

	cmd     string // the current command line ($smtp_command)
	data    string // its argument with ESMTP options taken off
	cmdArg  string // its argument ($smtp_command_argument)
	quit    bool   // QUIT was received
	dropped bool
}

type recipient struct {
	address  string
	orcpt    string
	dsnFlags int
}

func newSession(s *Server, p Peer) *session {
	// $message_size is 0 until the first transaction starts (Exim's smtp_reset sets -1).
	sess := &session{srv: s, peer: p, start: s.now(), messageSize: 0, countNonmail: -1, rcptSame: true}
	sess.conn = p.Conn
	in, out := p.In, p.Out
	if p.Conn != nil {
		in, out = p.Conn, p.Conn
	}
	sess.r = bufio.NewReaderSize(in, 8192)
	sess.w = bufio.NewWriterSize(out, 4096)
	sess.local = !p.Remote.IsValid()
	sess.ident = p.Ident
	sess.nonmailFree = map[string]bool{}
	sess.state = acl.NewState()
	acl.StartMIMEVars(sess.state) // $mime_part_count is -1 until a MIME ACL runs
	sess.vars = &sessionVars{s: sess}
	sess.ctx = &expand.Context{Vars: sess.vars, ACL: map[string]string{}, Log: func(l string) { s.Log.Main("", l) }}
	cfg := s.Config
	sess.ctx.Lists = &lists.Env{
		Named:           cfg,
		PrimaryHostname: cfg.PrimaryHostname(),
		Resolver:        s.Resolver,
		Expand:          sess.ctx.Expand,
		ExpandDomain:    sess.ctx.ExpandWithDomain,
		Log:             func(l string) { s.Log.Main("", l) },
	}
	sess.aclEnv = &acl.Env{
		Config: cfg, Ctx: sess.ctx, State: sess.state, Log: aclLog{sess},
		HostIdent: func() string { return sess.hostAndIdent(true) },
		HostCheck: s.HostCheck, Debug: s.Debug, Flush: func() { sess.w.Flush() },
		Cache: s.ACLCache, Hints: s.openHints,
	}
	sess.ctx.RunACL = sess.aclEnv.ExpansionRunner()
	sess.aclEnv.Route = sess.verify
	sess.aclEnv.VerifyHelo = func() bool { ok, _ := sess.verifyHelo(); return ok }
	sess.aclEnv.HostName = sess.aclHostName
	if p.Given != nil {
		sess.authName = p.Given["sender_host_authenticated"]
		sess.authID = p.Given["authenticated_id"]
		sess.authSender = p.Given["authenticated_sender"]
		if n, ok := p.Given["sender_host_name"]; ok {
			sess.hostName, sess.hostLookupDone = n, true
		}
	}
	sess.activeHostname = cfg.PrimaryHostname()
	sess.protocol = sess.protocolName()
	return sess
}

// openHints opens a hints database in the spool directory; -bh has no
// Spool but uses the configured directory's databases, as Exim does.
func (s *Server) openHints(name string) (*hints.DB, error) {
	dir := s.Config.String("spool_directory")
	if s.Spool != nil {
		dir = s.Spool.Dir
	}
	if dir == "" { // never the current directory
		return nil, errors.New("no spool directory")
	}
	return hints.Open(dir, name)
}

// aclLog passes ACL log lines to the server's log with the message id
// of the message being received, if any.
type aclLog struct{ s *session }

func (l aclLog) Main(t string)   { l.s.srv.Log.Main(l.s.messageID, t) }
func (l aclLog) Reject(t string) { l.s.srv.Log.Reject(l.s.messageID, t, nil) }
func (l aclLog) Panic(t string)  { l.s.srv.Log.Panic(l.s.messageID, t) }

// Logs is one entry in several logs (acl.MultiLogger).
func (l aclLog) Logs(main, reject, panic bool, t string) {
	var to eximlog.Dest
	if main {
		to |= eximlog.ToMain
	}
	if reject {
		to |= eximlog.ToReject
	}
	if panic {
		to |= eximlog.ToPanic
	}
	l.s.srv.Log.Write(eximlog.Entry{To: to, ID: l.s.messageID, Text: t})
}

// protocolName is $received_protocol for the current state.
func (s *session) protocolName() string {
	if p, ok := s.peer.Given["received_protocol"]; ok && p != "" {
		return p
	}
	i := 0
	if s.esmtp {
		i = 2
		if s.authName != "" {
			i = 4
		}
	}
	if s.tlsActive {
		i++
	}
	p := protocols[s.local][i]
	if s.smtputf8 {
		p = "utf8" + p
	}
	return p
}

// hostAddress is $sender_host_address.
func (s *session) hostAddress() string {
	if s.local {
		return ""
	}
	return s.peer.Remote.Addr().Unmap().String()
}

func (s *session) hostPort() int {
	if s.local {
		return 0
	}
	return int(s.peer.Remote.Port())
}

// resetMessage forgets the message being set up (Exim's smtp_reset).
func (s *session) resetMessage() {
	s.sender = nil
	s.rawSender = ""
	s.recipients, s.rawRecipients = nil, nil
	s.rcptCount, s.rcptFail, s.rcptDefer = 0, 0, 0
	s.messageSize = -1
	s.body8bit = 0
	s.dsnRet, s.dsnEnvid = "", ""
	s.smtputf8 = false
	s.discardedAll, s.discarded, s.tooMany = false, false, false
	s.rcptResponse, s.rcptSame, s.rcptInProgress = nil, true, false
	s.authSender = s.peer.Given["authenticated_sender"]
	s.state.ResetMessage()
	for k := range s.ctx.ACL {
		if strings.HasPrefix(k, "acl_m") {
			delete(s.ctx.ACL, k)
		}
	}
	s.protocol = s.protocolName()
}

// cmdText is the command's data as Exim logs it (options removed).
func (s *session) cmdText() string { return s.data }

// senderAddress is the envelope sender, "" before MAIL as for <>.
func (s *session) senderAddress() string {
	if s.sender == nil {
		return ""
	}
	return *s.sender
}
