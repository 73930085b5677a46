package deliver

import (
	"exigo/internal/enq"
	"exigo/internal/expand"
	"exigo/internal/hints"
	"exigo/internal/item"
	"exigo/internal/transport"
)

// errTRetry's text is Exim's for a transport at its max_parallel limit.
const concurrencyLimit = "concurrency limit reached for transport"

// parallelStart is Exim's tpt_parallel_check: with max_parallel set, the
// batch counts itself in the "tpt-serialize-<transport>" record of the
// misc hints database, shared by every delivery of every process. At the
// limit (or when the option does not expand) the batch is deferred and
// ok is false. end (never nil) is called once the transport has run.
func (r *attempt) parallelStart(name string, ctx *expand.Context, batch []*item.Address) (end func(), ok bool) {
	tc := r.d.Config.Transport(name)
	if tc == nil {
		return func() {}, true
	}
	limit, msg := transport.MaxParallel(ctx, tc, batch[0].Address)
	if msg != "" {
		r.d.Log.Main(r.id, msg)
		r.d.Log.Panic(r.id, msg)
		transport.SetAll(batch, item.Defer, item.ErrnoExpandFail, msg)
		return func() {}, false
	}
	if limit <= 0 {
		return func() {}, true
	}
	db, err := hints.Open(r.d.Spool.Dir, "misc")
	if err != nil {
		// Exim goes on as if at the limit when the database will not open.
		transport.SetAll(batch, item.Defer, item.ErrnoTRetry, concurrencyLimit)
		return func() {}, false
	}
	key := "tpt-serialize-" + name
	in, err := enq.Start(db, key, limit, r.d.now())
	if err != nil || !in {
		db.Close()
		transport.SetAll(batch, item.Defer, item.ErrnoTRetry, concurrencyLimit)
		return func() {}, false
	}
	return func() {
		if err := enq.End(db, key, r.d.now()); err != nil {
			r.d.Log.Panic(r.id, "max_parallel: "+err.Error())
		}
		db.Close()
	}, true
}
