package cli

import (
	"os"
	"time"

	"exigo/internal/conf"
	"exigo/internal/deliver"
	"exigo/internal/smtpd"
)

// startQueueRuns starts the daemon's periodic queue runs (-q30m).
func (d *daemonState) startQueueRuns(cfg *conf.Config, srv *smtpd.Server) {
	if d.r.opts.QueueInterval == "" || srv.Spool == nil {
		return
	}
	every, ok := conf.ParseTime(d.r.opts.QueueInterval)
	if !ok || every <= 0 {
		srv.Log.Panic("", "bad queue run interval -q"+d.r.opts.QueueInterval)
		return
	}
	sel, err := d.r.opts.selection() // -q30m -R string: each run selects
	if err != nil {
		srv.Log.Panic("", "queue runner setup failed: "+err.Error())
		return
	}
	dl, err := d.r.newDeliverer(cfg, srv.Spool, srv.Log, srv)
	if err != nil {
		srv.Log.Panic("", "queue runner setup failed: "+err.Error())
		return
	}
	max := int(cfg.Int("queue_run_max"))
	if max <= 0 {
		max = 5
	}
	runs := make(chan struct{}, max)
	stop := make(chan struct{})
	d.stopRuns = stop
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			select {
			case runs <- struct{}{}:
				go func() {
					defer func() { <-runs }()
					q := newQueueRunner(dl, deliveryParallelism(cfg))
					q.sel = sel
					q.runQueue(deliver.Options{Force: d.r.opts.QueueForce > 0, Thaw: d.r.opts.QueueForce > 1}, os.Getpid())
				}()
			default: // queue_run_max runs already going
			}
		}
	}()
}

// stopQueueRuns ends the periodic queue runs startQueueRuns began (runs
// in progress finish).
func (d *daemonState) stopQueueRuns() {
	if d.stopRuns != nil {
		close(d.stopRuns)
		d.stopRuns = nil
	}
}
