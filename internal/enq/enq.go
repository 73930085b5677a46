// Package enq is Exim's enq.c: counted serialization records in the
// "misc" hints database. A record under a key ("tpt-serialize-<name>"
// for a transport's max_parallel) counts the processes or goroutines
// inside the section it guards, across every exigo process using the
// same spool.
package enq

import (
	"encoding/binary"
	"time"

	"exigo/internal/hints"
)

// Stale is how old a record may be and still count: Exim ignores
// records older than six hours, left behind by a crash.
const Stale = 6 * time.Hour

// recordSize is Exim's dbdata_serialize on a 64-bit system: the time
// stamp, the count, and padding.
const recordSize = 16

// Start enters the section under key unless limit holders are already
// in it; ok false means the limit is reached. The count and the check
// are one hints transaction, so they hold across processes.
func Start(db *hints.DB, key string, limit int, now time.Time) (ok bool, err error) {
	err = db.Update(key, func(old *hints.Record) ([]byte, bool) {
		n := 0
		if old != nil && now.Sub(stamp(old)) < Stale {
			n = Count(old.Data)
		}
		if n >= limit {
			return nil, false
		}
		ok = true
		return encode(n+1, now), false
	})
	return ok, err
}

// End leaves the section: the count goes down, and the record goes when
// it reaches nothing.
func End(db *hints.DB, key string, now time.Time) error {
	return db.Update(key, func(old *hints.Record) ([]byte, bool) {
		if old == nil {
			return nil, false
		}
		n := Count(old.Data) - 1
		if n <= 0 {
			return nil, true
		}
		return encode(n, now), false
	})
}

// Count is the number of holders a record's data says.
func Count(data []byte) int {
	if len(data) < 12 {
		return 0
	}
	return int(int32(binary.LittleEndian.Uint32(data[8:])))
}

func encode(n int, now time.Time) []byte {
	b := make([]byte, recordSize)
	binary.LittleEndian.PutUint64(b, uint64(now.Unix()))
	binary.LittleEndian.PutUint32(b[8:], uint32(n))
	return b
}

// stamp is the record's own time stamp (Exim's time_stamp field).
func stamp(r *hints.Record) time.Time {
	if len(r.Data) < 8 {
		return r.Stamp
	}
	return time.Unix(int64(binary.LittleEndian.Uint64(r.Data)), 0)
}
