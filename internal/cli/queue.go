package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"exigo/internal/conf"
	"exigo/internal/deliver"
	"exigo/internal/eximlog"
	"exigo/internal/expand"
	"exigo/internal/smtpd"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// newDeliverer builds the delivery machinery for a configuration.
// submit queues the messages delivery makes (bounces).
func (r *run) newDeliverer(cfg *conf.Config, sp *spool.Spool, lg *eximlog.Logger, submit *smtpd.Server) (*deliver.Deliverer, error) {
	ts, err := transport.Build(cfg)
	if err != nil {
		return nil, err
	}
	base := r.baseContext(cfg)
	d := &deliver.Deliverer{
		Config: cfg, Spool: sp, Log: lg, Transports: ts,
		Route: routeFunc(cfg), BaseCtx: base,
	}
	d.Bounce = bounceFunc(cfg, lg, base, submit)
	d.Warn = warnFunc(cfg, lg, base, submit)
	d.TransportWarn = transportWarnFunc(cfg, lg, base, submit)
	d.FreezeTell = freezeTellFunc(cfg, lg, base, submit)
	d.Frozen = frozenFunc(cfg)
	rdb := &retryDB{dir: sp.Dir}
	d.Retry = retryFunc(cfg, rdb, lg, base)
	d.RetryCheck = retryChecker(cfg, rdb, base)
	d.EventBind = eventBind(cfg, lg)
	d.Wait = waitStore(sp)
	d.RunAs = newWorkerPool(r, lg).runAs
	return d, nil
}

// baseContext gives expansions during delivery the configuration's
// variables, lists and ACLs.
func (r *run) baseContext(cfg *conf.Config) func() *expand.Context {
	return func() *expand.Context { return r.expandContext(cfg) }
}

// queueRunner runs deliveries: at most max at once.
type queueRunner struct {
	d   *deliver.Deliverer
	sem chan struct{}
	// wg counts the deliveries started; a queue run shares its
	// runner's, so that it also waits for the notices its deliveries
	// queued there (Exim's runner waits for its children's children).
	wg *sync.WaitGroup
	// sel is -R and -S: the messages a queue run takes.
	sel selection
}

// deliveryParallelism bounds the messages one exigo process delivers at
// once. Exim forks a process for each message, unbounded; deliveries
// mostly wait for fsync, and more of them at once share more flushes:
// 8 per CPU kept up with reception at 32 connections where 4 fell behind
// (the delivery worker is one process per user whatever the number).
// remote_max_parallel, Exim's bound on one message's parallel remote
// deliveries, is the floor.
func deliveryParallelism(cfg *conf.Config) int {
	return max(8*runtime.GOMAXPROCS(0), int(cfg.Int("remote_max_parallel")))
}

func newQueueRunner(d *deliver.Deliverer, max int) *queueRunner {
	if max <= 0 {
		max = 4
	}
	return &queueRunner{d: d, sem: make(chan struct{}, max), wg: &sync.WaitGroup{}}
}

// deliverAccepted delivers a message just accepted: at once, before
// the caller goes on, under -odi and -odf (Exim's synchronous delivery,
// which the bounces a delivery sends inherit: one is delivered before
// its parent's "Completed"), else in the background. The daemon never
// waits, as Exim's forks a delivery process whatever -od says.
func (r *run) deliverAccepted(q *queueRunner, id string, background bool) {
	if !background && r.opts.Mode != ModeDaemon && (r.opts.DeliveryMode == "i" || r.opts.DeliveryMode == "f") {
		q.deliver(id, deliver.Options{})
		return
	}
	q.start(id, deliver.Options{})
}

// start delivers one message in the background.
func (q *queueRunner) start(id string, opt deliver.Options) {
	q.wg.Add(1)
	go func() {
		defer q.wg.Done()
		q.sem <- struct{}{}
		defer func() { <-q.sem }()
		q.deliver(id, opt)
	}()
}

func (q *queueRunner) deliver(id string, opt deliver.Options) {
	if err := q.d.Deliver(id, opt); err != nil && !errors.Is(err, spool.ErrLocked) && !errors.Is(err, os.ErrNotExist) {
		q.d.Log.Main(id, fmt.Sprintf("delivery failed: %v", err))
	}
}

// runQueue delivers every message in the queue once (a queue run),
// keeping SMTP connections open from one message to the next.
func (q *queueRunner) runQueue(opt deliver.Options, pid int) {
	run := *q.d
	run.Conns = transport.NewConns()
	defer run.Conns.Close()
	q = &queueRunner{d: &run, sem: q.sem, sel: q.sel, wg: q.wg}
	ids, err := q.d.Spool.List()
	if err != nil {
		q.d.Log.Panic("", "queue run: "+err.Error())
		return
	}
	detail := queueRunDetail(pid, opt, q.sel)
	q.d.Log.Main("", "Start queue run: "+detail)
	// With -R or -S, the first message taken is delivered as if forced
	// (Exim's queue_run: its retry times are overridden); a frozen one
	// left alone does not use that up.
	first := opt
	first.Force = first.Force || !q.sel.empty()
	for _, id := range ids {
		taken, frozen := q.selected(id)
		if !taken {
			continue
		}
		q.start(id, first)
		if !frozen || opt.Thaw {
			first = opt
		}
	}
	q.wg.Wait()
	q.d.Log.Main("", "End queue run: "+detail)
}

// queueRunDetail is what Exim logs after "Start queue run:" and "End
// queue run:": the pid, then the run's -q flags and -R/-S selections.
func queueRunDetail(pid int, opt deliver.Options, sel selection) string {
	s := fmt.Sprintf("pid=%d", pid)
	if opt.Force {
		s += " -qf"
		if opt.Thaw {
			s += "f"
		}
	}
	return s + sel.detail()
}

// queueAction is -q (one queue run), -M (deliver these messages now),
// -Mrm, -Mf, -Mt, -Mg, -Mvh, -Mvb, -Mvl.
func (r *run) queueAction() int {
	cfg, submit, ok := r.serverForCommand()
	if !ok {
		return 1
	}
	lg, sp := submit.Log, submit.Spool
	switch r.opts.MsgAction {
	case "Mrm", "Mf", "Mt", "Mvh", "Mvb", "Mvl":
		return r.messageOps(sp, lg)
	}
	d, err := r.newDeliverer(cfg, sp, lg, submit)
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	q := newQueueRunner(d, deliveryParallelism(cfg))
	submit.Accepted = func(id string, queueOnly, background bool) {
		if queueOnly {
			sp.FlushReceived(id)
			return
		}
		r.deliverAccepted(q, id, background)
	}
	// Bounces and warnings queued meanwhile are delivered at once, as
	// Exim's delivery process does: wait for them before leaving.
	defer q.wg.Wait()
	// -M and -Mg thaw a frozen message first; -qff does too.
	msg := r.opts.MsgAction == "M" || r.opts.MsgAction == "Mg"
	opt := deliver.Options{Force: r.opts.QueueForce > 0 || msg,
		Thaw:   r.opts.QueueForce > 1 || msg,
		GiveUp: r.opts.MsgAction == "Mg", GiveUpBy: currentLogin()}
	if r.opts.MsgAction == "M" || r.opts.MsgAction == "Mg" {
		for _, id := range r.opts.Args {
			q.deliver(id, opt)
		}
		return 0
	}
	if q.sel, err = r.opts.selection(); err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	q.runQueue(opt, os.Getpid())
	return 0
}

// messageOps handles the -M options that do not deliver.
func (r *run) messageOps(sp *spool.Spool, lg *eximlog.Logger) int {
	rc := 0
	who := currentLogin()
	for _, id := range r.opts.Args {
		if err := r.messageOp(sp, lg, id, who); err != nil {
			fmt.Fprintf(r.stderr, "exigo: %s: %v\n", id, err)
			rc = 1
		}
	}
	return rc
}

func (r *run) messageOp(sp *spool.Spool, lg *eximlog.Logger, id, who string) error {
	switch r.opts.MsgAction {
	case "Mvh", "Mvb", "Mvl":
		suffix := map[string]string{"Mvh": "-H", "Mvb": "-D", "Mvl": ""}[r.opts.MsgAction]
		path := sp.InputPath(id, suffix)
		if suffix == "" {
			path = sp.MsglogPath(id)
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(r.stdout, f)
		return err
	}
	lock, err := sp.OpenData(id)
	if err != nil {
		return err
	}
	defer lock.Close()
	switch r.opts.MsgAction {
	case "Mrm":
		if err := sp.Remove(id); err != nil {
			return err
		}
		lg.Main(id, "removed by "+who)
		lg.Main(id, "Completed")
		fmt.Fprintf(r.stdout, "Message %s has been removed\n", id)
		return nil
	case "Mf", "Mt":
		h, err := sp.ReadHeader(id)
		if err != nil {
			return err
		}
		h.Frozen = r.opts.MsgAction == "Mf"
		if h.Frozen {
			h.FrozenAt = time.Now()
		} else {
			h.ManualThaw = true
		}
		if err := sp.Rewrite(h); err != nil {
			return err
		}
		if h.Frozen {
			lg.Main(id, "frozen by "+who)
			fmt.Fprintf(r.stdout, "Message %s is now frozen\n", id)
		} else {
			lg.Main(id, "unfrozen by "+who)
			fmt.Fprintf(r.stdout, "Message %s is no longer frozen\n", id)
		}
	}
	return nil
}

// selected applies -R and -S to a queued message, and says whether it
// is frozen (known only when there is a selection).
func (q *queueRunner) selected(id string) (taken, frozen bool) {
	if q.sel.empty() {
		return true, false
	}
	h, err := q.d.Spool.ReadHeader(id)
	if err != nil {
		return false, false
	}
	return q.sel.takes(h), h.Frozen
}
