package deliver

import (
	"exigo/internal/bounce"
	"exigo/internal/item"
)

// Freezing, as Exim's post_process_one decides it: a router or transport
// asking for it (self = freeze, host_find_failed = freeze, a pipe's
// freeze_exec_fail) on a deferral, or a failure nobody can be told of
// (a bounce's own failure without errors_to) unless errors are being
// ignored (ignore_bounce_errors_after has passed). Such a failure stays
// on the queue as a deferral. The message is frozen at the end of the
// attempt ("Frozen" and "*** Frozen" lines, -frozen in the -H file).

// failOrFreeze records a failed address: failed, or kept for a frozen
// message.
func (r *attempt) failOrFreeze(a *item.Address) {
	if r.h.Sender == "" && bounce.IgnoreBounceErrors(r.d.Config, r.h, r.d.now()) {
		a.IgnoreError = true
	}
	if !a.IgnoreError && (a.Freeze || r.h.Sender == "" && a.ErrorsTo == "") {
		info := ""
		if !a.Freeze {
			info = " (delivery error message)"
			if r.h.Local && !r.h.LocalError {
				info = " (message created with -f <>)"
			}
		}
		r.freeze, r.frozenInfo = true, info // the last failure's reason wins
		r.deferred = append(r.deferred, a)
		return
	}
	r.failed = append(r.failed, a)
}

// logFrozen tells freeze_tell (not for a bounce, which could loop),
// writes the freezing ("*** Frozen" in the message log has no time
// stamp, as in Exim) and marks the -H file.
func (r *attempt) logFrozen() {
	if !r.freeze {
		return
	}
	if r.d.FreezeTell != nil && r.d.Config.String("freeze_tell") != "" && !r.h.LocalError {
		chain := make([]*item.Address, len(r.deferred))
		for i, a := range r.deferred {
			chain[len(r.deferred)-1-i] = a
		}
		r.d.FreezeTell(r.msg, chain, r.frozenInfo)
	}
	r.msglogRaw("*** Frozen" + r.frozenInfo)
	r.d.Log.Main(r.id, "Frozen"+r.frozenInfo)
	r.h.Frozen, r.h.FrozenAt = true, r.d.now()
}

// cancel fails an address of a cancelled message (-Mg, or
// timeout_frozen_after) as Exim does: no "**" line (the cancellation was
// logged), reported to the sender, or just dropped for a bounce; never
// frozen.
func (r *attempt) cancel(a *item.Address) {
	a.Result, a.Message = item.Fail, "delivery cancelled by administrator"
	if r.opt.timedOut {
		a.Message = "delivery cancelled; message timed out"
	}
	if r.h.Sender == "" {
		r.note(a.Unique)
		return
	}
	r.failed = append(r.failed, a)
}
