package smtpd

import (
	"strconv"

	"exigo/internal/eximlog"
)

// lookupHostName finds the verified name of the calling host once
// (PTR, then a forward lookup that must give the address back).
func (s *session) lookupHostName() {
	if s.hostLookupDone || s.local {
		return
	}
	s.hostLookupDone = true
	s.hostName, s.hostLookupMsg = s.findHostName()
	s.hostLookupFail = s.hostName == ""
}

// peer describes the client for eximlog's host formats.
func (s *session) peerInfo() eximlog.Peer {
	p := eximlog.Peer{Helo: s.helo, Ident: s.ident, Name: s.hostName}
	if !s.local {
		p.Address, p.Port = s.hostAddress(), s.hostPort()
	}
	if s.peer.Local.IsValid() {
		p.IfaceAddress, p.IfacePort = s.peer.Local.Addr().Unmap().String(), int(s.peer.Local.Port())
	}
	return p
}

func (s *session) has(n eximlog.Name) bool { return s.srv.Log.Selector().Has(n) }

// fullHost is $sender_fullhost: "name (helo) [ip]", "(helo) [ip]" ...
func (s *session) fullHost(lookup bool) string {
	if lookup {
		s.lookupHostNameAndBuild()
	}
	return s.srv.Log.Selector().FullHost(s.builtPeer())
}

// rcvHost is $sender_rcvhost, used in the Received: header.
func (s *session) rcvHost() string { return s.srv.Log.Selector().RcvHost(s.builtPeer()) }

// hostAndIdent is Exim's host_and_ident().
func (s *session) hostAndIdent(flag bool) string {
	return s.srv.Log.Selector().HostAndIdent(s.builtPeer(), flag)
}

// connectionInfo is "SMTP connection from ..." as Exim logs it.
func (s *session) connectionInfo() string {
	if s.local {
		id := s.ident
		if id == "" {
			id = "unknown"
		}
		return "SMTP connection from " + id
	}
	host := s.fullHost(false)
	if s.srv.HostCheck {
		return "SMTP connection from " + host
	}
	if s.has(eximlog.IncomingInterface) && s.peer.Local.IsValid() {
		return "SMTP connection from " + host + " I=[" + s.peer.Local.Addr().Unmap().String() + "]:" + strconv.Itoa(int(s.peer.Local.Port()))
	}
	return "SMTP connection from " + host
}
