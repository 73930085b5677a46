// Package dnstest serves DNS zones from text on loopback, for tests.
// It is a real DNS server (UDP and TCP) so that exigo's resolver is
// exercised over the wire exactly as in production.
package dnstest

import (
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// Server answers authoritatively from the records it was given.
// SetServFail and SetAD change answers while it serves.
type Server struct {
	Addr     string // "127.0.0.1:port"
	mu       sync.RWMutex
	records  map[string][]dns.RR // key: lower-case fqdn
	servFail map[string]bool
	ad       map[string]bool
	udp      *dns.Server
	tcp      *dns.Server
}

// SetServFail makes queries for the fully qualified name answer SERVFAIL
// (to test DEFER handling), or stop doing so.
func (s *Server) SetServFail(fqdn string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.servFail[strings.ToLower(fqdn)] = on
}

// SetAD makes answers for the name carry the AD (DNSSEC-validated) bit.
func (s *Server) SetAD(fqdn string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ad[strings.ToLower(fqdn)] = on
}

// Start parses zone (RFC 1035 master-file text, $ORIGIN allowed) and
// serves it on 127.0.0.1 at a free port (or at addr when not empty).
func Start(zone string, addr string) (*Server, error) {
	s := &Server{records: map[string][]dns.RR{}, servFail: map[string]bool{}, ad: map[string]bool{}}
	if err := s.Add(zone); err != nil {
		return nil, err
	}
	pc, l, err := listenPair(addr)
	if err != nil {
		return nil, err
	}
	s.Addr = pc.LocalAddr().String()
	h := dns.HandlerFunc(s.serve)
	s.udp = &dns.Server{PacketConn: pc, Handler: h}
	s.tcp = &dns.Server{Listener: l, Handler: h}
	var wg sync.WaitGroup
	wg.Add(2)
	s.udp.NotifyStartedFunc = wg.Done
	s.tcp.NotifyStartedFunc = wg.Done
	go s.udp.ActivateAndServe()
	go s.tcp.ActivateAndServe()
	wg.Wait()
	return s, nil
}

// Add parses more zone text into the server.
func (s *Server) Add(zone string) error {
	zp := dns.NewZoneParser(strings.NewReader(zone), ".", "")
	zp.SetDefaultTTL(3600)
	s.mu.Lock()
	defer s.mu.Unlock()
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		name := strings.ToLower(rr.Header().Name)
		s.records[name] = append(s.records[name], rr)
	}
	if err := zp.Err(); err != nil {
		return fmt.Errorf("dnstest: %w", err)
	}
	return nil
}

// Close stops the server.
func (s *Server) Close() {
	s.udp.Shutdown()
	s.tcp.Shutdown()
}

func (s *Server) serve(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.servFail[name] {
		m.Rcode = dns.RcodeServerFailure
		w.WriteMsg(m)
		return
	}
	m.AuthenticatedData = s.ad[name]
	// Follow CNAMEs within our data, as a recursive resolver would.
	for hops := 0; hops < 8; hops++ {
		rrs, exists := s.records[name]
		if !exists && !s.nameHasChildren(name) {
			if len(m.Answer) == 0 {
				m.Rcode = dns.RcodeNameError
			}
			break
		}
		var cname *dns.CNAME
		for _, rr := range rrs {
			if rr.Header().Rrtype == q.Qtype || q.Qtype == dns.TypeANY {
				m.Answer = append(m.Answer, rr)
			} else if c, ok := rr.(*dns.CNAME); ok {
				cname = c
			}
		}
		if cname == nil || q.Qtype == dns.TypeCNAME {
			break
		}
		m.Answer = append(m.Answer, cname)
		name = strings.ToLower(cname.Target)
	}
	w.WriteMsg(m)
}

// nameHasChildren tells an empty non-terminal (NODATA) from NXDOMAIN.
func (s *Server) nameHasChildren(name string) bool {
	for k := range s.records {
		if strings.HasSuffix(k, "."+name) {
			return true
		}
	}
	return false
}

// listenPair opens UDP and TCP on the same port. With no address given a
// free UDP port is taken, and another tried when its TCP twin is in use.
func listenPair(addr string) (net.PacketConn, net.Listener, error) {
	fixed := addr != ""
	if !fixed {
		addr = "127.0.0.1:0"
	}
	for try := 0; ; try++ {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, err
		}
		l, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, l, nil
		}
		pc.Close()
		if fixed || try == 20 {
			return nil, nil, err
		}
	}
}
