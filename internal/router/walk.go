package router

import (
	"exigo/internal/address"
	"exigo/internal/item"
)

// WalkOptions select how Walk treats an address.
type WalkOptions struct {
	// Qualify gives an unqualified address the qualify domain (Exim's
	// vopt_qualify); without it such an address fails.
	Qualify bool
	// FullInfo routes everything an address generates and reports all
	// of it (-bt, and -bv with debugging); otherwise the walk stops at
	// the first answer, going on only through a single generated address.
	FullInfo bool
	// SuccessOnRedirect: generating any address counts as verified.
	SuccessOnRedirect bool
}

// EventKind is what a walk event reports.
type EventKind int

const (
	// EventPipeFile: a generated pipe or file (not routed further).
	EventPipeFile EventKind = iota
	// EventFail: an address failed (Addr.Message says why).
	EventFail
	// EventDefer: an address could not be routed now.
	EventDefer
)

// WalkEvent is something the walk reports as it goes, in order.
type WalkEvent struct {
	Kind EventKind
	Addr *item.Address
}

// WalkResult is the outcome of Walk.
type WalkResult struct {
	// Status is OK, Fail or Defer (the worst of all with FullInfo).
	Status item.Result
	// Address is the top address after qualification.
	Address string
	// NoDomain: the address was unqualified and Qualify was not set.
	NoDomain bool
	// Top is the top address; on failure without FullInfo it carries
	// the failing address's Message and UserMessage.
	Top    *item.Address
	Events []WalkEvent
	// Local and Remote are the routed addresses by kind of transport, in
	// Exim's order (the last routed first).
	Local, Remote []*item.Address
	// Discarded: nothing failed and nothing is to be delivered.
	Discarded bool
}

// Walk routes address and what it generates, as Exim's verify_address
// does for -bt, -bv and ACL verification (without callouts).
func Walk(env *Env, addr string, opts WalkOptions) *WalkResult {
	res := &WalkResult{Status: item.OK}
	if address.FindAt(addr) < 0 {
		if !opts.Qualify {
			res.NoDomain, res.Status, res.Address = true, item.Fail, addr
			return res
		}
		addr += "@" + qualifyFor(env)
	}
	res.Address = addr
	if env.Verify && !env.Recipient && !env.Test {
		// A sender is routed as a bounce to it would be: from <>.
		senv := *env
		ctx := *env.Ctx
		ctx.Vars = fixedVars{base: env.Ctx.Vars, vals: map[string]string{"sender_address": ""}}
		senv.Ctx = &ctx
		env = &senv
	}
	top := item.New(addr)
	res.Top = top
	pending := []*item.Address{top}
	allOK := true
	for len(pending) > 0 {
		a := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		if a.Pipe != "" || a.File != "" || a.ReplyTo {
			allOK = false
			res.Events = append(res.Events, WalkEvent{EventPipeFile, a})
			continue
		}
		rc, kids, err := Route(env, a)
		if err != nil {
			a.Message = err.Error()
			rc = item.Defer
		}
		switch {
		case rc == item.Rerouted:
			pending = push(pending, kids)
			continue
		case rc == item.Fail || rc == item.Defer:
			if rc == item.Defer && a.Transport != "" {
				// Exim had queued it before "unseen" or
				// translate_ip_address failed: -bt shows both.
				res.queue(env, a)
			}
			allOK = false
			kind := EventFail
			if rc == item.Defer {
				kind = EventDefer
			}
			res.Events = append(res.Events, WalkEvent{kind, a})
			if !opts.FullInfo {
				copyError(top, a)
				res.Status = rc
				return res
			}
			if rc == item.Fail || res.Status == item.OK {
				res.Status = rc
			}
			continue
		case rc == item.Discard:
			continue
		}
		// Routed (possibly with generated addresses).
		if a.Transport != "" || len(kids) == 0 {
			res.queue(env, a)
		}
		pending = push(pending, kids)
		if !opts.FullInfo && (len(kids) != 1 || isPipeFile(kids[0]) || opts.SuccessOnRedirect) {
			top.AddressData = a.AddressData
			return res
		}
	}
	if opts.FullInfo && allOK && len(res.Local) == 0 && len(res.Remote) == 0 {
		res.Discarded = true
	}
	return res
}

// queue records a routed address, local or remote by its transport
// (no transport counts as remote, as in Exim).
func (res *WalkResult) queue(env *Env, a *item.Address) {
	if a.Transport != "" && isLocalTransport(env.Config.Transport(a.Transport)) {
		res.Local = append([]*item.Address{a}, res.Local...)
	} else {
		res.Remote = append([]*item.Address{a}, res.Remote...)
	}
}

// push puts kids on the stack so that the first kid is routed next.
func push(stack, kids []*item.Address) []*item.Address {
	for i := len(kids) - 1; i >= 0; i-- {
		stack = append(stack, kids[i])
	}
	return stack
}

func isPipeFile(a *item.Address) bool { return a.Pipe != "" || a.File != "" || a.ReplyTo }

// copyError gives the top address the failing one's messages.
func copyError(top, failed *item.Address) {
	if top == failed {
		return
	}
	top.Message, top.UserMessage = failed.Message, failed.UserMessage
	top.BasicErrno, top.MoreErrno = failed.BasicErrno, failed.MoreErrno
}

// qualifyFor is the domain an unqualified address gets: qualify_recipient
// for recipients, qualify_domain for senders.
func qualifyFor(env *Env) string {
	if env.Recipient || !env.Verify || env.Test {
		return env.Config.QualifyRecipient()
	}
	return env.Config.QualifyDomain()
}
