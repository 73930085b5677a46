package deliver

import (
	"exigo/internal/item"
)

// finish applies the retry rules, reports failures, then updates the
// spool (deferrals and failures were logged as they happened): the
// message is removed when every recipient is done, else its -H file is
// rewritten with the delivered ones and the journal dropped.
func (r *attempt) finish() {
	defer func() {
		if r.journal != nil {
			r.journal.Close()
		}
	}()
	if r.d.Retry != nil {
		expired := r.d.Retry(r.msg, r.delivered, r.failed, r.deferred)
		gone := map[*item.Address]bool{}
		for _, a := range expired {
			// retry.Update logged "** addr: retry timeout exceeded", the
			// one line Exim writes for it; the address is just failed.
			gone[a] = true
			a.Result = item.Fail
			r.failed = append(r.failed, a)
		}
		kept := r.deferred[:0]
		for _, a := range r.deferred {
			if !gone[a] {
				kept = append(kept, a)
			}
		}
		r.deferred = kept
	}
	if len(r.failed) > 0 {
		r.syncJournal()
		r.bounce()
	}
	pending := map[string]bool{}
	for _, a := range r.deferred {
		pending[a.Top().Address] = true
	}
	r.holdPending(pending)
	for _, a := range r.failed {
		r.note(a.Unique)
	}
	allDone := true
	for _, rc := range r.h.Recipients {
		if r.h.Delivered(rc.Address) {
			continue
		}
		if pending[rc.Address] {
			allDone = false
			continue
		}
		r.note(rc.Address)
	}
	if allDone {
		r.d.Log.Main(r.id, "Completed")
		r.completeEvent()
		if err := r.d.Spool.Remove(r.id); err != nil {
			r.d.Log.Panic(r.id, "failed to remove spool files: "+err.Error())
			r.err = err
		}
		return
	}
	r.msglogChildrenDone()
	r.h.DeliverFirsttime = false
	if r.d.Warn != nil && len(r.deferred) > 0 {
		r.syncJournal()
		chain := make([]*item.Address, len(r.deferred))
		for i, a := range r.deferred {
			chain[len(r.deferred)-1-i] = a
		}
		if n := r.d.Warn(r.msg, chain); n > 0 {
			r.h.WarningCount = n
		}
	}
	r.logFrozen() // just before the -H file is written, as Exim does
	r.writeMsglog()
	if err := r.d.Spool.Rewrite(r.h); err != nil {
		r.d.Log.Panic(r.id, "failed to rewrite -H file: "+err.Error())
		r.err = err
		return
	}
	r.d.Spool.RemoveJournal(r.id)
}

// bounce reports failures (the hook decides who gets what, and logs
// those reported to nobody, a bounce's own failures among them). It is
// given Exim's chain order: the reverse of the ** lines.
func (r *attempt) bounce() {
	if r.d.Bounce == nil {
		r.d.Log.Panic(r.id, "no bounce generator: failure report not sent")
		return
	}
	chain := make([]*item.Address, len(r.failed))
	for i, a := range r.failed {
		chain[len(r.failed)-1-i] = a
	}
	if err := r.d.Bounce(r.msg, chain); err != nil {
		r.d.Log.Panic(r.id, "failed to send failure report: "+err.Error())
	}
}
