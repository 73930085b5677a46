package hints

import (
	"context"
	"database/sql"
)

// Tx is a write transaction over several keys of one database: what
// Exim gets by holding a hints database's lock while it reads and writes
// a record and its continuation records (the wait-<transport> lists).
type Tx struct {
	tx *sql.Tx
}

// Get returns the record under key as the transaction sees it.
func (t *Tx) Get(key string) (Record, bool, error) {
	return scanRecord(t.tx.QueryRow(getSQL, key))
}

// Put stores data under key with the current time as its stamp.
func (t *Tx) Put(key string, data []byte) error {
	_, err := t.tx.Exec(putSQL, key, stampNow(), nonNil(data))
	return err
}

// Delete removes key (a missing key is no error).
func (t *Tx) Delete(key string) error {
	_, err := t.tx.Exec(deleteSQL, key)
	return err
}

// Txn runs fn in one write transaction, committed when fn returns nil
// and rolled back otherwise. fn must not use d itself.
func (d *DB) Txn(fn func(tx *Tx) error) error {
	d.s.write.Lock()
	defer d.s.write.Unlock()
	tx, err := d.s.sql.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(&Tx{tx: tx}); err != nil {
		return err
	}
	return tx.Commit()
}
