package deliver

import (
	"strings"

	"exigo/internal/item"
)

// The message log (msglog/<id>) gets Exim's lines for the attempt; they
// are written at the end, and only when the message stays queued (see
// spool's NoteReceived).

func (r *attempt) msglog(text string) {
	if r.d.Config.Bool("message_logs") {
		r.msglogLines = append(r.msglogLines, r.d.Log.Stamp(r.d.now())+" "+text)
	}
}

// msglogRaw adds a line without a time stamp.
func (r *attempt) msglogRaw(text string) {
	if r.d.Config.Bool("message_logs") {
		r.msglogLines = append(r.msglogLines, text)
	}
}

// msglogSuccess is "addr: t transport succeeded" (with " <parent>" for a
// child address).
func (r *attempt) msglogSuccess(a *item.Address) {
	who := a.Address
	if a.Parent != nil {
		who += " <" + a.Parent.Address + ">"
	}
	r.msglog(who + ": " + a.Transport + " transport succeeded")
}

// msglogDeferral logs a deferral on the first attempt, or for a reason
// other than a retry time not reached.
func (r *attempt) msglogDeferral(line string, a *item.Address) {
	if r.h.DeliverFirsttime || a.BasicErrno > item.ErrnoRetryBase {
		r.msglog(line)
	}
}

// msglogChildrenDone adds "parent: children all complete" for each
// ancestor none of whose descendants is still pending.
func (r *attempt) msglogChildrenDone() {
	pending := map[*item.Address]bool{}
	for _, a := range r.deferred {
		for p := a.Parent; p != nil; p = p.Parent {
			pending[p] = true
		}
	}
	seen := map[*item.Address]bool{}
	for _, chain := range [][]*item.Address{r.delivered, r.failed} {
		for _, a := range chain {
			for p := a.Parent; p != nil && !pending[p] && !seen[p]; p = p.Parent {
				seen[p] = true
				r.msglog(p.Address + ": children all complete")
			}
		}
	}
}

// writeMsglog appends the attempt's lines (after the Received line kept
// from reception) to the message log of a message that stays queued.
func (r *attempt) writeMsglog() {
	lines := r.msglogLines
	if r.received != "" {
		lines = append([]string{r.received}, lines...)
	}
	if err := r.d.Spool.AppendMsglog(r.id, lines); err != nil {
		r.d.Log.Main(r.id, "failed to write message log: "+strings.TrimSpace(err.Error()))
	}
}

func nonEmpty(line string) []string {
	if line == "" {
		return nil
	}
	return []string{line}
}
