package deliver

import (
	"fmt"
	"slices"
	"strings"

	"exigo/internal/item"
	"exigo/internal/retry"
	"exigo/internal/router"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// attempt is one delivery attempt of one message.
type attempt struct {
	d   *Deliverer
	h   *spool.Header
	id  string
	msg *transport.Message
	opt Options
	err error

	ev *transport.Events // the event raiser (see events)

	routed    []*item.Address // to be given to transports
	delivered []*item.Address
	failed    []*item.Address
	deferred  []*item.Address
	journal   *spool.Journal
	unsynced  []string // done in memory, not yet in the journal
	// received is the message log's Received line kept from reception;
	// msglogLines the attempt's lines (msglog.go).
	received    string
	msglogLines []string
	// children counts the undelivered descendants of each top address.
	pendingKids map[*item.Address]int
	// skipped are held back from a continued delivery (holdBack).
	skipped []*item.Address
	// returnCount numbers the return files made (see output.go);
	// outputLines are output lines waiting to be logged with an outcome.
	returnCount int
	outputLines map[*item.Address]string
	// retry is the retry data (retrykeys.go), read when first needed.
	retry     *retry.Checker
	retryRead bool
	// freeze: the message is frozen at the end (freeze.go).
	freeze     bool
	frozenInfo string
}

// routeAll routes every undelivered recipient (and what redirection
// makes of it) to a transport, a failure or a deferral.
func (r *attempt) routeAll() {
	// Routers' lines go to the main log with the message's id (self =
	// freeze's "remote host address is the local host: domain", a
	// redirection's deferral), their panic lines (a condition that fails
	// to expand, a user not found) to the panic log too.
	env := &router.Env{Config: r.d.Config, Ctx: r.d.messageContext(r.h),
		Log:      func(line string) { r.d.Log.Main(r.id, line) },
		PanicLog: func(line string) { r.d.Log.Panic(r.id, line) }}
	// Exim routes the recipients last first (its address chain is built
	// by putting each in front), and chains the routed ones the same
	// way, so that deliveries come in the recipients' order.
	var queue []*item.Address
	for i := len(r.h.Recipients) - 1; i >= 0; i-- {
		rc := r.h.Recipients[i]
		if r.h.Delivered(rc.Address) {
			continue
		}
		a := item.New(rc.Address)
		a.ORCPT, a.DSNFlags = rc.ORCPT, rc.DSNFlags
		if rc.ErrorsTo != "" {
			a.ErrorsTo = rc.ErrorsTo
		}
		queue = append(queue, a)
	}
	seen := map[string]bool{}
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		if r.h.Delivered(a.Unique) || seen[a.Unique] {
			continue // delivered earlier, or a duplicate
		}
		seen[a.Unique] = true
		if r.opt.GiveUp {
			r.cancel(a)
			continue
		}
		if a.Transport != "" && (a.Pipe != "" || a.File != "") {
			r.routed = append(r.routed, a) // a redirection's pipe or file
			continue
		}
		if !r.routingDue(a) {
			continue
		}
		res, kids := r.d.Route(env, a)
		a.Result = res
		switch {
		case res == item.OK && a.Transport == "" && len(kids) > 0:
			queue = routeNext(queue, kids) // redirected
			continue
		case res == item.OK && len(kids) > 0:
			queue = routeNext(queue, kids) // unseen: a copy goes on
		}
		switch res {
		case item.OK:
			r.routed = append(r.routed, a)
		case item.Rerouted:
			queue = routeNext(queue, kids)
		case item.Discard:
			r.logDelivery(a, true)
			r.markDelivered(a)
		case item.Fail:
			r.fail(a)
		default:
			r.noteRoutingDefer(a)
			r.deferAddress(a)
		}
	}
	slices.Reverse(r.routed) // Exim's chain of routed addresses
}

// routeNext puts the addresses a router made at the front of the queue,
// the last one first, as Exim adds them to its new addresses: a
// redirection's addresses are routed, and delivered, before the next
// recipient's.
func routeNext(queue, kids []*item.Address) []*item.Address {
	out := make([]*item.Address, 0, len(kids)+len(queue))
	for i := len(kids) - 1; i >= 0; i-- {
		out = append(out, kids[i])
	}
	return append(out, queue...)
}

// fail and deferAddress record an outcome and log it at once, as Exim's
// post-processing of each address does.
func (r *attempt) fail(a *item.Address) {
	r.failOrFreeze(a)
	r.logFailure(a)
}

func (r *attempt) deferAddress(a *item.Address) {
	r.deferred = append(r.deferred, a)
	if a.Freeze {
		r.freeze = true // a deferral gives no reason (Exim's frozen_info)
	}
	r.logDeferral(a)
}

// transportAll runs the transports: local ones one address at a time,
// remote ones once per transport and host list.
func (r *attempt) transportAll() {
	env := &transport.Env{Config: r.d.Config, Log: r.d.Log, Now: r.d.Now, Spool: r.d.Spool, Conns: r.d.Conns, Msglog: r.msglog}
	env.Retry = r.retryData()
	env.Events = r.events()
	r.continueEnv(env)
	for _, batch := range r.batches() {
		if r.holdBack(batch) {
			continue
		}
		r.syncJournal()
		t := r.d.Transports[batch[0].Transport]
		if t == nil {
			for _, a := range batch {
				a.Result, a.Message = item.Defer, fmt.Sprintf("transport %q is not defined", a.Transport)
				r.deferAddress(a)
			}
			continue
		}
		env.Ctx = r.d.addressContext(r.h, batch[0])
		end, ok := r.parallelStart(batch[0].Transport, env.Ctx, batch)
		if ok && t.Local() {
			if r.localDue(env, batch[0]) {
				r.deliverLocal(t, env, batch[0])
				r.runShadow(env, batch)
				r.transportWarning(t, batch[0])
			}
			r.noteLocalDefer(batch[0])
		} else if ok {
			t.Deliver(env, r.msg, batch)
		}
		end()
		for _, a := range batch {
			switch a.Result {
			case item.OK:
				r.logDelivery(a, false)
				r.markDelivered(a)
			case item.Fail:
				r.fail(a)
			default:
				a.Result = item.Defer
				r.deferAddress(a)
			}
		}
	}
}

// batches groups routed addresses: local transports one by one, first,
// then remote transports by transport and host list.
func (r *attempt) batches() [][]*item.Address {
	var local, remote [][]*item.Address
	index := map[string]int{}
	for _, a := range r.routed {
		t := r.d.Transports[a.Transport]
		if t == nil || t.Local() {
			local = append(local, []*item.Address{a})
			continue
		}
		key := a.Transport + "|" + hostKey(a.Hosts)
		if i, ok := index[key]; ok {
			remote[i] = append(remote[i], a)
			continue
		}
		index[key] = len(remote)
		remote = append(remote, []*item.Address{a})
	}
	// Exim makes every local delivery before the remote ones.
	return append(local, remote...)
}

func hostKey(hs []item.Host) string {
	var b strings.Builder
	for _, h := range hs {
		b.WriteString(h.Name + "/" + h.Address + ",")
	}
	return b.String()
}
