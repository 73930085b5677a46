package transport

import "exigo/internal/item"

// Continuation is a message to be sent down a connection a remote
// transport has just delivered on and left in Conns: Exim's
// transport_check_waiting found it in the wait-<transport> database, and
// Exim would start "exim -MC transport host address sequence id".
type Continuation struct {
	Transport string
	Host      item.Host // the host connected to, with the address and port used
	ID        string    // the waiting message
	Sequence  int       // messages sent down the connection so far
}

// For reports whether a remote batch of addresses routed to transport
// may go down the continued connection: the same transport, and the
// host among the addresses' hosts (by name, as Exim compares). A batch
// with no host list is for the transport to judge (its hosts option).
func (c *Continuation) For(transport string, hosts []item.Host) bool {
	if c == nil || transport != c.Transport {
		return false
	}
	if len(hosts) == 0 {
		return true
	}
	for _, h := range hosts {
		if h.Name == c.Host.Name {
			return true
		}
	}
	return false
}
