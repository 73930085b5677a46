// Package smtpd is exigo's SMTP server (manual chapter "SMTP processing"):
// the command loop with Exim's replies, synchronisation checks and limits,
// the ACL calls at each stage, and message reception into the spool.
package smtpd

import (
	"crypto/tls"
	"exigo/internal/eximlog"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"

	"exigo/internal/acl"
	"exigo/internal/auth"
	"exigo/internal/conf"
	"exigo/internal/dnsx"
	"exigo/internal/rewrite"
	"exigo/internal/spool"
)

// Server holds what all sessions share. It is read-only once serving
// starts, apart from its counters.
type Server struct {
	Config   *conf.Config
	Spool    *spool.Spool
	IDs      *spool.IDGen
	Log      *eximlog.Logger
	Auths    []*auth.Instance
	TLS      *tls.Config // nil: STARTTLS is not offered
	Resolver *dnsx.Resolver
	ACLCache *acl.Cache
	Version  string
	// HostCheck is -bh: a fake session, nothing is spooled.
	HostCheck bool
	// Debug receives the -bh ">>> " trace.
	Debug io.Writer
	// Accepted is called with each message id once it is safely spooled
	// (immediate delivery starts here). background: deliver it in the
	// background even under -odi (LocalMessage.Background).
	Accepted func(id string, queueOnly, background bool)
	// Verify routes an address for VRFY, EXPN and verify conditions.
	Verify VerifyFunc
	// ETRN starts a queue run for a domain.
	ETRN func(domain string)
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// rw are the rewrite rules, read on first use.
	rwOnce sync.Once
	rw     rewrite.Rules

	mu      sync.Mutex
	perHost map[string]int
	active  int
}

// Peer describes one connection.
type Peer struct {
	Conn   net.Conn // nil for -bs / -bh on standard input and output
	In     io.Reader
	Out    io.Writer
	Remote netip.AddrPort // invalid for a local -bs caller
	Local  netip.AddrPort
	// Ident is the local caller's login (-bs), "" for network peers.
	Ident string
	// Given holds -oM* settings of a trusted caller (received_protocol,
	// sender_host_name, authenticated ones...).
	Given map[string]string
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Serve runs one SMTP session to its end.
func (s *Server) Serve(p Peer) {
	sess := newSession(s, p)
	sess.run()
}

// admit counts a connection for smtp_accept_max and
// smtp_accept_max_per_host; release undoes it.
func (s *Server) admit(host string) (total, fromHost int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perHost == nil {
		s.perHost = map[string]int{}
	}
	s.active++
	s.perHost[host]++
	return s.active, s.perHost[host]
}

func (s *Server) release(host string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active--
	if s.perHost[host]--; s.perHost[host] <= 0 {
		delete(s.perHost, host)
	}
}

// Active is the number of sessions running.
func (s *Server) Active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active
}
