package hints

import (
	"database/sql"
	"errors"
	"time"
)

// Get returns the record stored under key; ok is false when there is none.
func (d *DB) Get(key string) (r Record, ok bool, err error) {
	return scanRecord(d.s.sql.QueryRow(getSQL, key))
}

// Put stores data under key with the current time as its stamp.
func (d *DB) Put(key string, data []byte) error {
	d.s.write.Lock()
	defer d.s.write.Unlock()
	_, err := d.s.sql.Exec(putSQL, key, stampNow(), nonNil(data))
	return err
}

// Delete removes key; deleting a missing key is not an error.
func (d *DB) Delete(key string) error {
	d.s.write.Lock()
	defer d.s.write.Unlock()
	_, err := d.s.sql.Exec(deleteSQL, key)
	return err
}

// Update runs fn on the record under key (nil when there is none) and
// stores what it returns, all in one write transaction, so concurrent
// updates from goroutines or processes are never lost. fn returns the new
// data, or del to remove the record; (nil, false) leaves it as it was.
// fn must not use d itself.
func (d *DB) Update(key string, fn func(old *Record) (new []byte, del bool)) error {
	return d.Txn(func(tx *Tx) error {
		old, ok, err := tx.Get(key)
		if err != nil {
			return err
		}
		var oldp *Record
		if ok {
			oldp = &old
		}
		data, del := fn(oldp)
		switch {
		case del:
			return tx.Delete(key)
		case data != nil:
			return tx.Put(key, data)
		}
		return nil
	})
}

const (
	getSQL    = `SELECT stamp, data FROM hints WHERE key = ?`
	putSQL    = `INSERT OR REPLACE INTO hints (key, stamp, data) VALUES (?, ?, ?)`
	deleteSQL = `DELETE FROM hints WHERE key = ?`
)

// scanBatch is how many records Scan reads at a time; between batches no
// statement is open, so fn may use the database freely (tidying deletes).
const scanBatch = 256

// Scan calls fn for every record in key order until fn returns false.
// Records written or deleted by fn or others during the scan may or may
// not be seen.
func (d *DB) Scan(fn func(key string, r Record) bool) error {
	after, first := "", true
	for {
		keys, recs, err := d.batch(after, first)
		if err != nil {
			return err
		}
		for i, k := range keys {
			if !fn(k, recs[i]) {
				return nil
			}
		}
		if len(keys) < scanBatch {
			return nil
		}
		after, first = keys[len(keys)-1], false
	}
}

// batch reads up to scanBatch records with keys after the given one (all
// keys from the start when first is set: the empty key is a valid key).
func (d *DB) batch(after string, first bool) ([]string, []Record, error) {
	const cols = `SELECT key, stamp, data FROM hints `
	var rows *sql.Rows
	var err error
	if first {
		rows, err = d.s.sql.Query(cols+`ORDER BY key LIMIT ?`, scanBatch)
	} else {
		rows, err = d.s.sql.Query(cols+`WHERE key > ? ORDER BY key LIMIT ?`, after, scanBatch)
	}
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var keys []string
	var recs []Record
	for rows.Next() {
		var k string
		var stamp int64
		var data []byte
		if err := rows.Scan(&k, &stamp, &data); err != nil {
			return nil, nil, err
		}
		keys = append(keys, k)
		recs = append(recs, Record{Stamp: time.Unix(0, stamp), Data: nonNil(data)})
	}
	return keys, recs, rows.Err()
}

func scanRecord(row *sql.Row) (Record, bool, error) {
	var stamp int64
	var data []byte
	err := row.Scan(&stamp, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, err
	}
	return Record{Stamp: time.Unix(0, stamp), Data: nonNil(data)}, true, nil
}

// stampNow is the record time in nanoseconds since the epoch.
func stampNow() int64 { return time.Now().UnixNano() }

// nonNil keeps empty data an empty BLOB rather than SQL NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
