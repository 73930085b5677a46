package deliver

import (
	"errors"
	"fmt"
	"os"

	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// chain is what a delivery shares with the deliveries it continues into
// (Exim's exim -MC processes, which it starts down the connection a
// remote transport has just used for a message waiting for that host).
// Here they run one after another in this goroutine once the delivery
// that found them has finished.
type chain struct {
	conns *transport.Conns // kept connections, when the Deliverer has none
	queue []transport.Continuation
}

// startChain makes the chain of a delivery that is not itself a
// continuation; nil when there is nothing to do (no wait databases, or
// the caller's chain is in use).
func (d *Deliverer) startChain(opt *Options) *chain {
	if d.Wait == nil || opt.chain != nil {
		return nil
	}
	c := &chain{}
	if d.Conns == nil {
		c.conns = transport.NewConns()
	}
	opt.chain = c
	return c
}

// endChain delivers the messages found waiting, each down the connection
// its predecessor left open, then ends the connections kept for it.
func (d *Deliverer) endChain(c *chain) {
	for len(c.queue) > 0 {
		k := c.queue[0]
		c.queue = c.queue[1:]
		err := d.Deliver(k.ID, Options{Continue: &k, chain: c})
		if err != nil && !errors.Is(err, spool.ErrLocked) && !errors.Is(err, os.ErrNotExist) {
			d.Log.Main(k.ID, fmt.Sprintf("delivery failed: %v", err))
		}
	}
	if c.conns != nil {
		c.conns.Close()
	}
}

// continueEnv gives the transports the wait databases, the connections
// of the chain and the hook that queues continuations.
func (r *attempt) continueEnv(env *transport.Env) {
	c := r.opt.chain
	if r.d.Wait == nil || c == nil {
		return
	}
	env.Wait = r.d.Wait
	env.Continued = r.opt.Continue
	if env.Conns == nil {
		env.Conns = c.conns
	}
	env.Continue = func(k transport.Continuation) { c.queue = append(c.queue, k) }
}

// holdBack is deliver.c's treatment of addresses in a continued delivery:
// local ones, and remote ones not for the connection's transport and
// host, are left for a later delivery without being tried or logged.
func (r *attempt) holdBack(batch []*item.Address) bool {
	k := r.opt.Continue
	if k == nil {
		return false
	}
	t := r.d.Transports[batch[0].Transport]
	if t != nil && !t.Local() && k.For(batch[0].Transport, batch[0].Hosts) {
		return false
	}
	r.skipped = append(r.skipped, batch...)
	return true
}

// holdPending keeps the message on the spool for the held-back addresses.
func (r *attempt) holdPending(pending map[string]bool) {
	for _, a := range r.skipped {
		pending[a.Top().Address] = true
	}
}
