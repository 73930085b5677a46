package cli

import (
	"context"
	"net"
	"os/user"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"exigo/internal/dnsx"
)

// sessionVars are the variables of a local session as Exim's -be sets
// them: the caller's identity, and what -oM* and -p say about a remote
// host, with the host name looked up in the DNS when not given.
type sessionVars struct {
	vars          map[string]string
	qualifyDomain string

	lookupOnce sync.Once
	hostName   string
	lookupFail bool
}

// currentLogin is the login name of the user running exigo, looked up
// once: each delivery makes session variables.
var currentLogin = sync.OnceValue(func() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
})

func newSessionVars(opts map[string]string, qualifyDomain string) *sessionVars {
	login := currentLogin()
	v := map[string]string{
		"authenticated_id":     login,
		"authenticated_sender": login + "@" + qualifyDomain,
		"sender_ident":         login,
	}
	set := func(name, opt string) {
		if val, ok := opts[opt]; ok {
			v[name] = val
		}
	}
	set("sender_host_authenticated", "oMaa")
	set("authenticated_id", "oMai")
	set("authenticated_sender", "oMas")
	set("received_protocol", "oMr")
	set("sender_host_name", "oMs")
	set("sender_ident", "oMt")
	if a, ok := opts["oMa"]; ok {
		v["sender_host_address"], v["sender_host_port"] = splitHostPort(a)
	}
	if a, ok := opts["oMi"]; ok {
		v["interface_address"], v["interface_port"] = splitHostPort(a)
	}
	return &sessionVars{vars: v, qualifyDomain: qualifyDomain}
}

// splitHostPort reads Exim's "address.port" form (the port is the part
// after the last dot when the address is IPv4 with five parts, or after
// the last dot of an IPv6 address).
func splitHostPort(s string) (string, string) {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return s, ""
	}
	if strings.Contains(s, ":") || strings.Count(s, ".") == 4 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

func (s *sessionVars) Var(name string) (string, bool, bool) {
	switch name {
	case "sender_host_name", "host_lookup_failed":
		if _, given := s.vars["sender_host_name"]; !given && s.vars["sender_host_address"] != "" {
			s.lookupOnce.Do(s.reverseLookup)
			if name == "host_lookup_failed" {
				if s.lookupFail {
					return "1", false, true
				}
				return "0", false, true
			}
			return s.hostName, true, true
		}
	}
	v, ok := s.vars[name]
	return v, true, ok
}

// reverseLookup finds the host's name as Exim does: a PTR record whose
// name has an address record pointing back at the host.
func (s *sessionVars) reverseLookup() {
	addr := s.vars["sender_host_address"]
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rev, err := dns.ReverseAddr(addr)
	r := dnsx.Default()
	if err != nil || r == nil {
		s.lookupFail = true
		return
	}
	ans, err := r.Lookup(ctx, rev, dns.TypePTR)
	if err != nil {
		s.lookupFail = true
		return
	}
	for _, rr := range ans.RRs {
		ptr, ok := rr.(*dns.PTR)
		if !ok {
			continue
		}
		name := strings.TrimSuffix(ptr.Ptr, ".")
		if forwardConfirms(ctx, r, name, addr) {
			s.hostName = strings.ToLower(name)
			return
		}
	}
	s.lookupFail = true
}

func forwardConfirms(ctx context.Context, r *dnsx.Resolver, name, addr string) bool {
	ip := net.ParseIP(addr)
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		ans, err := r.Lookup(ctx, dns.Fqdn(name), qt)
		if err != nil {
			continue
		}
		for _, rr := range ans.RRs {
			switch a := rr.(type) {
			case *dns.A:
				if a.A.Equal(ip) {
					return true
				}
			case *dns.AAAA:
				if a.AAAA.Equal(ip) {
					return true
				}
			}
		}
	}
	return false
}
