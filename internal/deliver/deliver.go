// Package deliver delivers one spooled message: it routes each
// undelivered recipient, runs the transports, records deliveries in the
// -J journal before anything further is delivered, logs Exim's =>, **,
// == and Completed lines, hands failures to the bounce generator and
// deferrals to the retry database, and finally updates or removes the
// spool files.
package deliver

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"exigo/internal/conf"
	"exigo/internal/eximlog"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/plainfile"
	"exigo/internal/retry"
	"exigo/internal/router"
	"exigo/internal/spool"
	"exigo/internal/transport"
	"exigo/internal/waitdb"
)

// RouteFunc routes one address through the router chain; Rerouted comes
// with the generated addresses.
type RouteFunc func(env *router.Env, a *item.Address) (item.Result, []*item.Address)

// BounceFunc sends the failure report for addresses that failed.
type BounceFunc func(msg *transport.Message, failed []*item.Address) error

// RetryFunc updates the retry database after an attempt and reports the
// deferred addresses whose retry time is over (they fail instead).
type RetryFunc func(msg *transport.Message, succeeded, failed, deferred []*item.Address) (expired []*item.Address)

// Deliverer holds what deliveries share.
type Deliverer struct {
	Config     *conf.Config
	Spool      *spool.Spool
	Log        *eximlog.Logger
	Transports map[string]transport.Transport
	Route      RouteFunc
	Bounce     BounceFunc
	Retry      RetryFunc
	// Frozen decides for a frozen message: deliver it (thaw), cancel it
	// (every address fails with line as the reason), or leave it; line is
	// logged. nil: frozen messages stay frozen unless forced.
	Frozen func(h *spool.Header, opt Options) (thaw, cancel bool, line string)
	// Warn sends a delay warning when one is due and returns the new
	// warning count for the -H file (0: none sent).
	Warn func(msg *transport.Message, deferred []*item.Address) int
	// FreezeTell tells freeze_tell that the message was frozen (info is
	// the freezing's detail), listing the deferred addresses; nil: no one
	// is told.
	FreezeTell func(msg *transport.Message, deferred []*item.Address, info string)
	// TransportWarn sends a transport's warning message (the quota
	// warning); nil: none sent.
	TransportWarn TransportWarnFunc
	// Conns keeps SMTP connections for reuse across messages (one queue
	// run); nil: none kept.
	Conns *transport.Conns
	// Wait is the wait-<transport> databases: messages deferred for remote
	// hosts are noted there, and a good delivery to a host continues with
	// the messages waiting for it down the same connection. nil: neither.
	Wait *waitdb.Store
	// RetryCheck gives remote transports the retry data for a message.
	RetryCheck func(h *spool.Header, opt Options) *retry.Checker
	// RunAs runs local deliveries as another user (exigo run as root).
	RunAs RunAsFunc
	// EventBind readies event_action expansions for ${acl}: ACLs run
	// with the event's variables and log with the message id.
	EventBind func(ctx *expand.Context, msgID string) *expand.Context
	// BaseCtx gives expansions the configuration's variables and lists.
	BaseCtx func() *expand.Context
	Now     func() time.Time
}

// Options are a delivery run's choices.
type Options struct {
	Force bool // -M, -qf: ignore retry times and freezing
	Thaw  bool // -qff: deliver frozen messages too
	// GiveUp is -Mg: "cancelled by <GiveUpBy>" is logged and every
	// undelivered address fails, "delivery cancelled by administrator",
	// reported to the sender (a bounce's just go), with no "**" lines.
	GiveUp   bool
	GiveUpBy string // the caller's login
	// timedOut: timeout_frozen_after cancelled the message (already
	// logged); the addresses fail "delivery cancelled; message timed out".
	timedOut bool
	// Continue: this delivery continues down a connection left open by
	// the delivery of another message (Exim's -MC).
	Continue *transport.Continuation
	chain    *chain
}

// ErrLocked: another process is delivering the message.
var ErrLocked = spool.ErrLocked

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Deliver makes one delivery attempt for message id.
func (d *Deliverer) Deliver(id string, opt Options) error {
	if c := d.startChain(&opt); c != nil {
		defer d.endChain(c) // after the lock below is released
	}
	lock, err := d.Spool.OpenData(id)
	if err != nil {
		return err
	}
	defer lock.Close()
	received := d.Spool.TakeReceived(id)
	h, err := d.Spool.ReadHeader(id)
	if err != nil {
		d.Log.Main(id, fmt.Sprintf("Spool read error: %v", err))
		return err
	}
	if done, _ := d.Spool.ReadJournal(id); len(done) > 0 {
		for _, a := range done {
			h.NonRecipients, _ = h.NonRecipients.Insert(a)
		}
	}
	if h.Frozen {
		thaw, cancel, line := opt.Thaw, false, "Message is frozen"
		if d.Frozen != nil {
			thaw, cancel, line = d.Frozen(h, opt)
		}
		if line != "" {
			d.Log.Main(id, line)
		}
		switch {
		case cancel:
			opt.GiveUp, opt.timedOut = true, true
		case !thaw:
			d.Spool.AppendMsglog(id, nonEmpty(received))
			return nil
		}
		h.Frozen = false
	}
	if opt.GiveUp && !opt.timedOut {
		d.Log.Main(id, "cancelled by "+opt.GiveUpBy)
	}
	run := &attempt{d: d, h: h, id: id, msg: d.message(h), opt: opt, received: received}
	run.routeAll()
	run.transportAll()
	run.finish()
	run.dropReturnFiles()
	return run.err
}

// message gives transports the spooled message.
func (d *Deliverer) message(h *spool.Header) *transport.Message {
	path := d.Spool.InputPath(h.ID, "-D")
	return &transport.Message{ID: h.ID, Header: h, Body: func() (io.ReadCloser, error) {
		f, err := plainfile.Open(path, os.O_RDONLY, 0)
		if err != nil {
			return nil, err
		}
		skip := make([]byte, len(h.ID)+3) // "<id>-D\n"
		if _, err := io.ReadFull(f, skip); err != nil {
			f.Close()
			return nil, errors.New("spool -D file too short")
		}
		return f, nil
	}}
}
