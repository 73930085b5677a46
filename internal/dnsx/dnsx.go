// Package dnsx is the one DNS resolver every part of exigo uses.
//
// The server address is configurable so that tests (and sites) can point it
// at a resolver of their choosing; tests always point it at a server they
// start on loopback (see package dnstest).
package dnsx

import (
	"context"
	"errors"
	"time"

	"github.com/miekg/dns"
)

// Answer is the result of one query.
type Answer struct {
	Rcode int      // dns.RcodeSuccess, dns.RcodeNameError (NXDOMAIN), ...
	RRs   []dns.RR // answer section, CNAMEs followed by the resolver
	AD    bool     // authenticated data bit (DNSSEC validated by the server)
}

// ErrTemporary marks failures that should make a lookup DEFER
// (timeouts, SERVFAIL, unreachable server).
var ErrTemporary = errors.New("temporary DNS failure")

// Resolver sends queries to Servers ("host:port") in order.
type Resolver struct {
	Servers []string
	Timeout time.Duration // per attempt; 0 means 5s
	Retries int           // attempts per server; 0 means 2
	DNSSEC  bool          // set the DO bit and report AD
	// Search is the domain search list (the first is the default domain)
	// for qualify_single and search_parents; empty with no Servers means
	// /etc/resolv.conf's search or domain line.
	Search []string
}

// Lookup queries name (absolute or not) for qtype.
// NXDOMAIN and NODATA are not errors: they come back in Answer.Rcode / empty RRs.
// Network failures and SERVFAIL return an error wrapping ErrTemporary.
func (r *Resolver) Lookup(ctx context.Context, name string, qtype uint16) (*Answer, error) {
	return r.lookup(ctx, name, qtype)
}

var defaultResolver = &Resolver{}

// Default returns the process-wide resolver. Its Servers come from the
// configuration (main option dns_servers) or, failing that, /etc/resolv.conf.
func Default() *Resolver { return defaultResolver }

// SetDefault replaces the process-wide resolver.
func SetDefault(r *Resolver) { defaultResolver = r }
