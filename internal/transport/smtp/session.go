package smtp

import (
	"regexp"
	"time"

	"exigo/internal/item"
	"exigo/internal/smtpclient"
)

// features are the EHLO keywords Exim looks for (its OPTION_* bits).
type features struct {
	tls, pipelining, size, chunking, dsn bool
	auth                                 string // the mechanisms after AUTH, "" when none
}

// Exim's regexes: a keyword counts only on a continuation line ("\n250"
// before it), case matters, and it must end at white space or the end.
var (
	reSTARTTLS   = keyword("STARTTLS")
	rePIPELINING = keyword("PIPELINING")
	reSIZE       = keyword("SIZE")
	reCHUNKING   = keyword("CHUNKING")
	reDSN        = keyword("DSN")
	reAUTH       = regexp.MustCompile(`\n250[\s\-]AUTH\s+([\-\w\s]+)(?:\n|$)`)
)

func keyword(k string) *regexp.Regexp {
	return regexp.MustCompile(`\n250[\s\-]` + k + `(\s|\n|$)`)
}

func parseEHLO(resp string) features {
	f := features{
		tls:        reSTARTTLS.MatchString(resp),
		pipelining: rePIPELINING.MatchString(resp),
		size:       reSIZE.MatchString(resp),
		chunking:   reCHUNKING.MatchString(resp),
		dsn:        reDSN.MatchString(resp),
	}
	if m := reAUTH.FindStringSubmatch(resp); m != nil {
		f.auth = m[1]
	}
	return f
}

// session is one SMTP connection, from the greeting to QUIT; it may
// carry several messages (Exim's smtp_context, connection half).
type session struct {
	conn      *smtpclient.Conn
	host      item.Host // with the address and port used
	key       string    // for transport.Conns
	heloData  string
	greeting  string // the banner, all lines
	heloReply string // the EHLO or HELO reply
	esmtp     bool
	peer      features // from the last EHLO
	tlsOffer  bool     // STARTTLS was offered in clear (smtp_peer_options)

	pipelining bool // PIPELINING in use
	tlsCipher  string
	tlsDN      string
	tlsCV      string // "yes" or "no"

	authenticator, authID string
	authenticated         bool

	sequence    int  // transactions on this connection (Exim's continue_sequence)
	sendQuit    bool // the connection can still be ended with QUIT
	hasNextHost bool // another host follows in the list (for log lines)

	// cmd names the stage for error messages ("initial connection",
	// "sending data block", "end of data"); "" means the last command.
	cmd string
	// pipelined is Exim's pipelining_active: "pipelined " goes in front
	// of the command in error messages.
	pipelined bool
	// written counts data bytes sent (Exim's transport_count), for the
	// "(N bytes written)" of a timeout message.
	written int64

	commandTimeout time.Duration
	// closed raises tcp:close once the connection is gone.
	closed func()
}

// command is Exim's smtp_command: the stage, or the last command sent.
func (s *session) command() string {
	if s.cmd != "" {
		return s.cmd
	}
	return s.conn.LastCommand
}

// write sends one command (see smtpclient.Conn.Command).
func (s *session) write(mode int, line string) (int, error) {
	s.cmd = ""
	return s.conn.Command(mode, line)
}

// read reads a reply within the command timeout.
func (s *session) read() (string, error) {
	return s.conn.ReadResponse(s.commandTimeout)
}

// Close ends the connection: QUIT, a short wait for its reply, close.
// It makes a session fit for transport.Conns.
func (s *session) Close() error {
	if s.sendQuit {
		_, _ = s.conn.Command(smtpclient.Flush, "QUIT")
		s.conn.CloseWrite()
		_, _ = s.conn.ReadResponse(time.Second)
	}
	err := s.conn.Close()
	if s.closed != nil {
		s.closed()
		s.closed = nil
	}
	return err
}

// ok is the first digit test of smtp_read_response.
func ok(resp string, err error, digit byte) bool {
	return err == nil && len(resp) > 0 && resp[0] == digit
}
