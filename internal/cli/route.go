package cli

import (
	"bytes"
	"fmt"
	"strings"
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
			for _, l := range rep.Logs {
				if l.Panic {
					lg.Panic(msg.ID, l.Text)
				} else {
					lg.Main(msg.ID, l.Text)
				}
			}
			if submit == nil {
				return fmt.Errorf("no way to queue the failure report")
			}
			_, err := submit.ReceiveLocal(smtpd.LocalMessage{
				In: bytes.NewReader(rep.Data), Login: callerLogin(), Sender: "",
				Extract: true, DotIsData: true, Reference: msg.ID,
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
}

// retryFunc keeps the retry database up to date after each attempt.
func retryFunc(cfg *conf.Config, sp *spool.Spool, lg *eximlog.Logger, base func() *expand.Context) deliver.RetryFunc {
	return func(msg *transport.Message, succeeded, failed, deferred []*item.Address) []*item.Address {
		ctx := base()
		rules, err := retry.New(cfg, ctx.Lists, ctx.Expand)
		if err != nil {
			lg.Panic(msg.ID, "retry rules: "+err.Error())
			return nil
		}
		db, err := hints.Open(sp.Dir, "retry")
		if err != nil {
			lg.Main(msg.ID, "failed to open retry database: "+err.Error())
			return nil
		}
		defer db.Close()
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

var _ = strings.TrimSpace

// retryChecker gives remote transports the retry data: hosts whose retry
// time has not come are skipped in queue runs.
func retryChecker(cfg *conf.Config, sp *spool.Spool, base func() *expand.Context) func(h *spool.Header, opt deliver.Options) *retry.Checker {
	var db *hints.DB
	var once sync.Once
	return func(h *spool.Header, opt deliver.Options) *retry.Checker {
		ctx := base()
		rules, err := retry.New(cfg, ctx.Lists, ctx.Expand)
		if err != nil {
			return nil
		}
		once.Do(func() { db, _ = hints.Open(sp.Dir, "retry") })
		return &retry.Checker{Rules: rules, DB: db, Now: time.Now(), Received: h.Received,
			Sender: h.Sender, MessageID: h.ID, QueueRun: !h.DeliverFirsttime, Force: opt.Force}
	}
}
