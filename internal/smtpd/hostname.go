package smtpd

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"

	"exigo/internal/eximlog"
	"exigo/internal/lists"
)

// fullHostState is what $sender_fullhost, $sender_rcvhost and the "H="
// of log lines show. Exim builds it at fixed points (session start, an
// accepted HELO, a rejected HELO, a host name found for a host list or a
// variable), not every time the pieces change: a HELO verification that
// finds the name, or a HELO with a bad argument, leaves it as it was.
func (s *session) buildFullHost() {
	s.fullPeer, s.fullBuilt = s.peerInfo(), true
}

func (s *session) builtPeer() eximlog.Peer {
	if s.local {
		return s.peerInfo()
	}
	if !s.fullBuilt {
		s.buildFullHost()
	}
	return s.fullPeer
}

// lookupHostNameAndBuild looks the host's name up when that was not done
// yet and rebuilds the host texts when a name is found, as Exim does when
// $sender_host_name or a host list needs the name.
func (s *session) lookupHostNameAndBuild() {
	if s.hostLookupDone || s.local {
		return
	}
	if s.lookupHostName(); s.hostName != "" {
		s.buildFullHost()
	}
}

// findHostName is Exim's host_name_lookup: the PTR names of the address,
// each of which must have an address record giving the address back.
// With none, failMsg says why, as Exim's host_lookup_msg.
func (s *session) findHostName() (name, failMsg string) {
	addr := s.hostAddress()
	ptrs := s.ptrNames(addr)
	if len(ptrs) == 0 {
		if s.has(eximlog.HostLookupFailed) {
			s.srv.Log.Main(s.logID(), "no host name found for IP address "+addr)
		}
		return "", " (failed to find host name from IP address)"
	}
	for _, n := range ptrs {
		if s.nameHasAddress(n, addr) {
			return n, ""
		}
	}
	return "", fmt.Sprintf(" (%s does not match any IP address for %s)", addr, ptrs[0])
}

func (s *session) ptrNames(addr string) []string {
	r := s.srv.Resolver
	rev, err := dns.ReverseAddr(addr)
	if r == nil || err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ans, err := r.Lookup(ctx, rev, dns.TypePTR)
	if err != nil {
		return nil
	}
	var names []string
	for _, rr := range ans.RRs {
		if ptr, ok := rr.(*dns.PTR); ok {
			names = append(names, strings.ToLower(strings.TrimSuffix(ptr.Ptr, ".")))
		}
	}
	return names
}

func (s *session) nameHasAddress(name, addr string) bool {
	want, err := netip.ParseAddr(addr)
	if err != nil || s.ctx.Lists == nil {
		return false
	}
	addrs, err := s.ctx.Lists.HostAddrs(name)
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if got, err := netip.ParseAddr(a); err == nil && got.Unmap() == want.Unmap() {
			return true
		}
	}
	return false
}

// heloLookupDomains looks the host's name up when the HELO name is in
// helo_lookup_domains (by default our own name or address), so that the
// log shows who the client really is.
func (s *session) heloLookupDomains() {
	if s.hostName != "" || s.hostLookupDone || s.ctx.Lists == nil {
		return
	}
	list, err := s.ctx.Expand(s.srv.Config.String("helo_lookup_domains"))
	if err != nil {
		return
	}
	if res, err := lists.MatchDomain(s.ctx.Lists, list, s.helo); err == nil && res.Matched {
		s.lookupHostName()
	}
}

// aclHostName serves acl.Env.HostName.
func (s *session) aclHostName(lookup bool) (string, bool, string) {
	if lookup {
		s.lookupHostNameAndBuild()
	}
	return s.hostName, s.hostLookupDone, s.hostLookupMsg
}
