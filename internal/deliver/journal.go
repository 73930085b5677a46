package deliver

import "exigo/internal/item"

// markDelivered records a delivery: in memory at once, in the -J
// journal before anything else can be delivered (syncJournal).
func (r *attempt) markDelivered(a *item.Address) {
	r.delivered = append(r.delivered, a)
	r.note(a.Unique)
}

// note marks an address done in the in-memory -H header and queues it
// for the journal.
func (r *attempt) note(unique string) {
	if r.h.Delivered(unique) {
		return
	}
	r.h.NonRecipients, _ = r.h.NonRecipients.Insert(unique)
	r.unsynced = append(r.unsynced, unique)
}

// syncJournal writes the addresses done since its last call to the -J
// file, with one sync. It runs before each further transport run and
// before a bounce or warning is queued: what a crash there would repeat.
// The end of an attempt needs no journal, because the -H rewrite or the
// removal that follows records the same, so a message delivered in one
// go never creates one.
func (r *attempt) syncJournal() {
	if len(r.unsynced) == 0 {
		return
	}
	if r.journal == nil {
		j, err := r.d.Spool.OpenJournal(r.id)
		if err != nil {
			r.d.Log.Panic(r.id, "cannot open journal file: "+err.Error())
			return
		}
		r.journal = j
	}
	if err := r.journal.Delivered(r.unsynced...); err != nil {
		r.d.Log.Panic(r.id, "journal write failed: "+err.Error())
	}
	r.unsynced = r.unsynced[:0]
}
