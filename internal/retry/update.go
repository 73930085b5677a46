package retry

import (
	"math/rand/v2"
	"strings"
	"time"

	"exigo/internal/expand/funcs"
	"exigo/internal/hints"
	"exigo/internal/item"
	"exigo/internal/syserr"
)

// Update applies the retry items of a delivery attempt to the retry
// database at its end, as Exim's retry_update does.
type Update struct {
	Rules    *Rules
	DB       *hints.DB
	Now      time.Time
	Received time.Time // when the message arrived
	Sender   string
	// Log receives the "** addr <parent>: retry timeout exceeded" lines.
	Log func(line string)
	// Random gives a number in [0,n) for H rules; nil uses math/rand.
	Random func(n int) int
	// PrintTopBit keeps top-bit characters in stored texts
	// (print_topbitchars).
	PrintTopBit bool

	done map[string]bool // keys updated in this run: timed out or not
}

// Apply handles succeeded, failed and deferred addresses (and their
// parents) in Exim's order: the deferred ones last deferred first, as
// Exim's chain of deferred addresses holds them. Deferred addresses whose every retry item
// has timed out are returned: the caller moves them to the failed ones;
// their Message and UserMessage already say "retry timeout exceeded".
func (u *Update) Apply(succeeded, failed, deferred []*item.Address) (timedOut []*item.Address, err error) {
	u.done = map[string]bool{}
	finishing := len(deferred) == 0
	for _, chain := range [][]*item.Address{succeeded, failed} {
		for _, a := range chain {
			if _, err := u.address(a, finishing); err != nil {
				return nil, err
			}
		}
	}
	for i := len(deferred) - 1; i >= 0; i-- {
		a := deferred[i]
		out, err := u.address(a, false)
		if err != nil {
			return nil, err
		}
		if out && len(retryItems(a)) > 0 {
			u.timeOut(a)
			timedOut = append(timedOut, a)
		}
	}
	return timedOut, nil
}

// address processes the items of a and its ancestors; it reports whether
// a's own items have all timed out (and no host was skipped).
func (u *Update) address(end *item.Address, finishing bool) (bool, error) {
	timedOut := false
	for a := end; a != nil; a = a.Parent {
		updates, expired := 0, 0
		for _, ri := range retryItems(a) {
			if finishing && ri.Flags&item.RetryMessage != 0 {
				ri.Flags |= item.RetryDelete
			}
			if ri.Flags&item.RetryDelete != 0 {
				if err := u.DB.Delete(ri.Key); err != nil {
					return false, err
				}
				continue
			}
			updates++
			out, err := u.item(a, ri, a == end)
			if err != nil {
				return false, err
			}
			if out && a == end {
				expired++
			}
		}
		if updates > 0 && updates == expired && !end.RetrySkipped {
			timedOut = true
		}
	}
	return timedOut, nil
}

// retryItems are an address's items; a deferred address that only has a
// RetryKey gets one item made from it.
func retryItems(a *item.Address) []item.RetryItem {
	if len(a.Retries) > 0 || a.RetryKey == "" || a.Result != item.Defer {
		return a.Retries
	}
	ri := item.RetryItem{Key: a.RetryKey, BasicErrno: a.BasicErrno, MoreErrno: a.MoreErrno, Message: a.Message}
	if a.HostUsed != nil && strings.HasPrefix(a.RetryKey, "T:") {
		ri.Flags = item.RetryHost
	}
	return []item.RetryItem{ri}
}

// item updates one record and reports whether it timed out. A key seen
// before in this run is not written twice.
func (u *Update) item(a *item.Address, ri item.RetryItem, end bool) (bool, error) {
	if out, seen := u.done[ri.Key]; seen {
		return out, nil
	}
	q := Query{Key: ri.Key[min(2, len(ri.Key)):], BasicErrno: ri.BasicErrno, MoreErrno: ri.MoreErrno, Sender: u.Sender}
	host := ri.Flags&item.RetryHost != 0
	if host {
		q.Alternate = a.Domain
	}
	rule := u.Rules.Find(q)
	if rule == nil {
		u.done[ri.Key] = true
		return true, nil // no rule: no retry time can be computed
	}
	rec, err := u.read(ri.Key)
	if err != nil {
		return false, err
	}
	failing := u.Now.Sub(rec.FirstFailed)
	if age := u.Now.Sub(u.Received); !host && age > failing {
		failing = age // a message-related error: the message's age counts
	}
	st := choose(rule, rec, failing)
	if end && !rec.Expired && st.param != nil && !u.Received.After(rec.FirstFailed) {
		if u.Now.Sub(u.Received) > rule.Last().Cutoff {
			st = step{timedOut: true} // on the queue longer than the last cutoff
		}
	}
	rec.NextTry = nextTry(st.param, rec, u.Now, u.Rules.IntervalMax, u.random)
	rec.Stamp, rec.LastTry = u.Now, u.Now
	rec.BasicErrno, rec.MoreErrno = ri.BasicErrno, ri.MoreErrno
	rec.Text = u.text(ri)
	if err := u.DB.Put(ri.Key, rec.Encode()); err != nil {
		return false, err
	}
	u.done[ri.Key] = st.timedOut
	return st.timedOut, nil
}

// read returns the key's record, or a fresh one when there is none or it
// is older than retry_data_expire.
func (u *Update) read(key string) (*Record, error) {
	r, ok, err := u.DB.Get(key)
	if err != nil {
		return nil, err
	}
	if ok {
		rec, derr := Decode(r.Data)
		if derr == nil && u.Now.Sub(rec.Stamp) <= u.Rules.DataExpire {
			return rec, nil
		}
	}
	return &Record{FirstFailed: u.Now, LastTry: u.Now, NextTry: u.Now}, nil
}

// text is what the record keeps: strerror for a system error, else the
// message made printable.
func (u *Update) text(ri item.RetryItem) string {
	switch {
	case ri.BasicErrno > 0:
		return syserr.Number(ri.BasicErrno)
	case ri.Message == "":
		return "unknown error"
	case u.PrintTopBit:
		return funcs.EscapeTopBit(ri.Message)
	}
	return funcs.Escape(ri.Message)
}

func (u *Update) random(n int) int {
	if n <= 0 {
		return 0
	}
	if u.Random != nil {
		return u.Random(n)
	}
	return rand.IntN(n)
}

// timeOut marks a deferred address failed for good and logs it.
func (u *Update) timeOut(a *item.Address) {
	const why = "retry timeout exceeded"
	a.Message = suffixed(a.Message, why)
	a.UserMessage = suffixed(a.UserMessage, why)
	if u.Log != nil {
		line := "** " + a.Address
		if a.Parent != nil {
			line += " <" + a.Parent.Address + ">"
		}
		u.Log(line + ": " + why)
	}
}

func suffixed(s, why string) string {
	if s == "" {
		return why
	}
	return s + ": " + why
}

// Needed reports whether any address, or an ancestor of one, carries a
// retry item: when none does, Apply would not touch the database, so the
// caller need not open it (most successful deliveries).
func Needed(chains ...[]*item.Address) bool {
	for _, chain := range chains {
		for _, end := range chain {
			for a := end; a != nil; a = a.Parent {
				if len(retryItems(a)) > 0 {
					return true
				}
			}
		}
	}
	return false
}
