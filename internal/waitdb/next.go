package waitdb

import (
	"encoding/binary"
	"fmt"
	"time"

	"exigo/internal/hints"
	"exigo/internal/retry"
)

// BadCountError is a host record whose id count is past the maximum;
// Exim logs it to the main and panic logs and leaves the record alone.
type BadCountError struct {
	Host  string
	Count int
}

func (e *BadCountError) Error() string {
	return fmt.Sprintf("smtp-wait database entry for %s has bad count=%d (max=%d)", e.Host, e.Count, retry.WaitNameMax)
}

// Lookup says what Next may take: OnSpool whether a message still
// exists (ids of messages gone are dropped), Acceptable whether it may
// go down this connection (nil: any may; ids refused stay listed).
type Lookup struct {
	OnSpool    func(id string) bool
	Acceptable func(id string) bool
	Now        time.Time
}

// Next finds another message waiting for host, taking it off the list:
// the ids are searched from the newest back, current (the message just
// delivered) is dropped, and an emptied record is replaced by its last
// continuation record. more says whether ids are left for the host.
// id is "" when there is none.
func Next(db *hints.DB, host, current string, l Lookup) (id string, more bool, err error) {
	err = db.Txn(func(tx *hints.Tx) error {
		raw, ok, err := tx.Get(host)
		if err != nil || !ok {
			return err
		}
		if n := rawCount(raw.Data); n > retry.WaitNameMax {
			return &BadCountError{Host: host, Count: n}
		}
		rec, derr := retry.DecodeWait(raw.Data)
		if derr != nil {
			return nil
		}
		id, more, err = l.take(tx, host, current, rec)
		return err
	})
	return id, more, err
}

// take scans rec and then continuation records until a message is found
// or the lists run out, and writes back what is left.
func (l *Lookup) take(tx *hints.Tx, host, current string, rec *retry.WaitRecord) (string, bool, error) {
	changed := false
	for {
		found, kept := l.scan(rec.IDs, current)
		changed = changed || len(kept) != len(rec.IDs)
		rec.IDs = kept
		loaded := false
		for len(rec.IDs) == 0 {
			cont, key, err := lastContinuation(tx, host, rec.Sequence)
			if err != nil {
				return "", false, err
			}
			if cont == nil {
				return found, false, tx.Delete(host)
			}
			if err := tx.Delete(key); err != nil {
				return "", false, err
			}
			rec, loaded, changed = cont, true, true
		}
		if found != "" || !loaded {
			if changed {
				rec.Stamp = l.Now
				if err := tx.Put(host, rec.Encode()); err != nil {
					return "", false, err
				}
			}
			return found, found != "", nil
		}
	}
}

// scan drops current and the ids of messages gone, and takes the newest
// acceptable one.
func (l *Lookup) scan(ids []string, current string) (found string, kept []string) {
	keep := make([]bool, len(ids))
	for i := range ids {
		keep[i] = true
	}
	for i, x := range ids {
		if x == current {
			keep[i] = false
			break
		}
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if !keep[i] {
			continue
		}
		if l.OnSpool != nil && !l.OnSpool(ids[i]) {
			keep[i] = false
			continue
		}
		if l.Acceptable == nil || l.Acceptable(ids[i]) {
			found, keep[i] = ids[i], false
			break
		}
	}
	for i, x := range ids {
		if keep[i] {
			kept = append(kept, x)
		}
	}
	return found, kept
}

// lastContinuation reads the highest-numbered continuation record that
// exists below sequence.
func lastContinuation(tx *hints.Tx, host string, sequence int) (*retry.WaitRecord, string, error) {
	for i := sequence - 1; i >= 0; i-- {
		key := contKey(host, i)
		rec, err := read(tx, key)
		if err != nil {
			return nil, "", err
		}
		if rec != nil {
			return rec, key, nil
		}
	}
	return nil, "", nil
}

// rawCount is a record's count field before any check.
func rawCount(b []byte) int {
	if len(b) < 12 {
		return 0
	}
	return int(int32(binary.LittleEndian.Uint32(b[8:])))
}
