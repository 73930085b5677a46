package smtp

import (
	"exigo/internal/item"
	"exigo/internal/transport"
)

// setUpFilter expands transport_filter for this message now that the
// host is known ($host, $host_address), as Exim's smtp_deliver does
// after setting up the connection. On failure every pending address is
// deferred with the message and the connection ends with QUIT.
func (d *delivery) setUpFilter(s *session) bool {
	d.write.Filter = nil
	var addrs = make([]*item.Address, 0, len(d.rcpts))
	for _, r := range d.rcpts {
		if r.st == stPendingDefer || r.st == stPendingOK {
			addrs = append(addrs, r.a)
		}
	}
	f, err := transport.SetUpFilter(d.t.driver, d.ctx, addrs, d.t.driver.Name+" transport")
	if err != nil {
		d.setErrno(0, 0, err.Error(), stDefer, false, nil)
		return false
	}
	d.write.Filter = f
	return true
}

// chunkingFor says whether the message may go with BDAT: Exim turns
// CHUNKING off when a transport filter runs (its output size is not
// known in advance).
func (d *delivery) chunkingFor(s *session) bool {
	return s.peer.chunking && !d.write.Filter.Active()
}
