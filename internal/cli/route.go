package cli

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"exigo/internal/bounce"
	"exigo/internal/conf"
	"exigo/internal/deliver"
	"exigo/internal/eximlog"
	"exigo/internal/expand"
	"exigo/internal/hints"
	"exigo/internal/item"
	"exigo/internal/retry"
	"exigo/internal/router"
	"exigo/internal/smtpd"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// routeFunc routes addresses through the configuration's routers.
func routeFunc(cfg *conf.Config) deliver.RouteFunc {
	return func(env *router.Env, a *item.Address) (item.Result, []*item.Address) {
		res, kids, err := router.Route(env, a)
		if err != nil {
			a.Message = err.Error()
			return item.Defer, nil
		}
		return res, kids
	}
}

// bounceFunc builds the failure reports and queues them as Exim does,
// as new local messages from <> (delivered like any other).
func bounceFunc(cfg *conf.Config, lg *eximlog.Logger, base func() *expand.Context, submit *smtpd.Server) deliver.BounceFunc {
	return func(msg *transport.Message, failed []*item.Address) error {
		reports, _, ignoredLines, err := bounce.Failures(cfg, base(), msg, failed, time.Now())
		for _, l := range ignoredLines {
			lg.Main(msg.ID, l)
		}
		if err != nil {
			return err
		}
		for _, rep := range reports {
			if err := queueNotice(lg, submit, msg.ID, rep.Notice, false); err != nil {
				return err
			}
		}
		return nil
	}
}

// queueNotice logs what building a report wrote and queues the report as
// a local message from <>, as Exim pipes it to "exim -t -oem -oi -f <>";
// background: delivered in the background whatever the delivery mode
// (a transport's warning).
func queueNotice(lg *eximlog.Logger, submit *smtpd.Server, ref string, n *bounce.Notice, background bool) error {
	for _, l := range n.Logs {
		if l.Panic {
			lg.Panic(ref, l.Text)
		} else {
			lg.Main(ref, l.Text)
		}
	}
	if submit == nil {
		return fmt.Errorf("no way to queue the report")
	}
	_, err := submit.ReceiveLocal(smtpd.LocalMessage{
		In: bytes.NewReader(n.Data), Login: currentLogin(), Sender: "",
		Extract: true, DotIsData: true, Reference: ref, SenderForced: true, Background: background,
	})
	return err
}

// warnFunc sends delay warnings (delay_warning, delay_warning_condition).
func warnFunc(cfg *conf.Config, lg *eximlog.Logger, base func() *expand.Context, submit *smtpd.Server) func(*transport.Message, []*item.Address) int {
	return func(msg *transport.Message, deferred []*item.Address) int {
		n, count, err := bounce.Warning(cfg, base(), msg, deferred, time.Now(),
			bounce.WarningOptions{Log: func(l string) { lg.Panic(msg.ID, l) }})
		if err != nil {
			lg.Main(msg.ID, "delay warning not sent: "+err.Error())
			return 0
		}
		if n == nil {
			return 0
		}
		if err := queueNotice(lg, submit, msg.ID, n, false); err != nil {
			lg.Main(msg.ID, "delay warning not sent: "+err.Error())
			return 0
		}
		return count
	}
}

// transportWarnFunc queues the warning a transport asked for (the
// quota warning) as a new local message from <>.
func transportWarnFunc(cfg *conf.Config, lg *eximlog.Logger, base func() *expand.Context, submit *smtpd.Server) deliver.TransportWarnFunc {
	return func(msg *transport.Message, text string) error {
		return queueNotice(lg, submit, msg.ID, bounce.TransportWarning(cfg, base(), msg, text, time.Now()), true)
	}
}

// freezeTellFunc sends freeze_tell's "Message frozen" notice as a new
// local message from <>.
func freezeTellFunc(cfg *conf.Config, lg *eximlog.Logger, base func() *expand.Context, submit *smtpd.Server) func(*transport.Message, []*item.Address, string) {
	return func(msg *transport.Message, deferred []*item.Address, info string) {
		n := bounce.FreezeTell(cfg, base(), msg, deferred, info, time.Now())
		if err := queueNotice(lg, submit, msg.ID, n, false); err != nil {
			lg.Main(msg.ID, "freeze_tell message not sent: "+err.Error())
		}
	}
}

// frozenFunc applies timeout_frozen_after, ignore_bounce_errors_after,
// auto_thaw and forced thaws to a frozen message.
func frozenFunc(cfg *conf.Config) func(*spool.Header, deliver.Options) (bool, bool, string) {
	return func(h *spool.Header, opt deliver.Options) (bool, bool, string) {
		t := bounce.Frozen(cfg, h, time.Now(), bounce.FrozenOptions{Forced: opt.Force, ForceThaw: opt.Thaw, Admin: true})
		switch t {
		case bounce.StayFrozen:
			return false, false, t.LogLine()
		case bounce.TimedOut:
			return false, true, t.LogLine()
		case bounce.NotFrozen:
			return true, false, ""
		}
		return true, false, t.LogLine()
	}
}

// retryDB is the spool's retry hints database, opened once per process
// when first needed and shared by the updates after each attempt and the
// checks before one.
type retryDB struct {
	dir  string
	once sync.Once
	db   *hints.DB
	err  error
}

func (r *retryDB) get() (*hints.DB, error) {
	r.once.Do(func() { r.db, r.err = hints.Open(r.dir, "retry") })
	return r.db, r.err
}

// retryFunc keeps the retry database up to date after each attempt.
func retryFunc(cfg *conf.Config, rdb *retryDB, lg *eximlog.Logger, base func() *expand.Context) deliver.RetryFunc {
	return func(msg *transport.Message, succeeded, failed, deferred []*item.Address) []*item.Address {
		if !retry.Needed(succeeded, failed, deferred) {
			return nil
		}
		ctx := base()
		rules, err := retry.New(cfg, ctx.Lists, ctx.Expand)
		if err != nil {
			lg.Panic(msg.ID, "retry rules: "+err.Error())
			return nil
		}
		db, err := rdb.get()
		if err != nil {
			lg.Main(msg.ID, "failed to open retry database: "+err.Error())
			return nil
		}
		u := retry.Update{Rules: rules, DB: db, Now: time.Now(), Received: msg.Header.Received,
			Sender: msg.Header.Sender, Log: func(l string) { lg.Main(msg.ID, l) },
			PrintTopBit: cfg.Bool("print_topbitchars")}
		expired, err := u.Apply(succeeded, failed, deferred)
		if err != nil {
			lg.Main(msg.ID, "retry database update failed: "+err.Error())
		}
		return expired
	}
}

// retryChecker gives the delivery the retry data: hosts, routing and
// local deliveries whose retry time has not come are skipped.
func retryChecker(cfg *conf.Config, rdb *retryDB, base func() *expand.Context) func(h *spool.Header, opt deliver.Options) *retry.Checker {
	return func(h *spool.Header, opt deliver.Options) *retry.Checker {
		ctx := base()
		rules, err := retry.New(cfg, ctx.Lists, ctx.Expand)
		if err != nil {
			return nil
		}
		db, _ := rdb.get() // without it, everything may be tried
		return &retry.Checker{Rules: rules, DB: db, Now: time.Now(), Received: h.Received,
			Sender: h.Sender, MessageID: h.ID, QueueRun: !h.DeliverFirsttime, Force: opt.Force}
	}
}
