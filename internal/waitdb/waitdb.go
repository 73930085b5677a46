// Package waitdb keeps Exim's wait-<transport> hints databases: for each
// remote host, the messages left waiting for it (transport.c's
// transport_update_waiting), and after a delivery to a host, the next of
// those to send down the same connection (transport_check_waiting).
//
// A host's record lists up to retry.WaitNameMax message ids; when it is
// full it is written out as "<host>:<sequence>" and the main record
// starts again empty with its sequence counted up, so "<host>:0" ...
// "<host>:<sequence-1>" may exist beside it.
package waitdb

import (
	"fmt"
	"time"

	"exigo/internal/hints"
	"exigo/internal/retry"
)

// Name is the hints database of a transport.
func Name(transport string) string { return "wait-" + transport }

// Record notes that message id waits for each of hosts (names; the same
// name twice in a row counts once, as with several addresses of one
// host). An id already in a host's record or one of its continuation
// records is not added again.
func Record(db *hints.DB, hosts []string, id string, now time.Time) error {
	return db.Txn(func(tx *hints.Tx) error {
		prev := ""
		for i, h := range hosts {
			if i > 0 && h == prev {
				continue
			}
			prev = h
			if err := recordOne(tx, h, id, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func recordOne(tx *hints.Tx, host, id string, now time.Time) error {
	rec, err := read(tx, host)
	if err != nil {
		return err
	}
	if rec == nil {
		rec = &retry.WaitRecord{}
	}
	if listed(rec, id) {
		return nil
	}
	for i := rec.Sequence - 1; i >= 0; i-- {
		cont, err := read(tx, contKey(host, i))
		if err != nil {
			return err
		}
		if cont != nil && listed(cont, id) {
			return nil
		}
	}
	if len(rec.IDs) >= retry.WaitNameMax {
		rec.Stamp = now
		if err := tx.Put(contKey(host, rec.Sequence), rec.Encode()); err != nil {
			return err
		}
		rec.Sequence++
		rec.IDs = nil
	}
	rec.IDs = append(rec.IDs, id)
	rec.Stamp = now
	return tx.Put(host, rec.Encode())
}

// contKey names a continuation record.
func contKey(host string, n int) string { return fmt.Sprintf("%s:%d", host, n) }

func listed(rec *retry.WaitRecord, id string) bool {
	for _, x := range rec.IDs {
		if x == id {
			return true
		}
	}
	return false
}

// read decodes the record under key; nil when there is none. A record
// that does not decode is treated as absent.
func read(tx *hints.Tx, key string) (*retry.WaitRecord, error) {
	r, ok, err := tx.Get(key)
	if err != nil || !ok {
		return nil, err
	}
	w, derr := retry.DecodeWait(r.Data)
	if derr != nil {
		return nil, nil
	}
	return w, nil
}
