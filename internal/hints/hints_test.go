package hints

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func openTemp(t testing.TB, name string) (*DB, string) {
	t.Helper()
	spool := t.TempDir()
	d, err := Open(spool, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, spool
}

func TestPutGetDelete(t *testing.T) {
	d, spool := openTemp(t, "retry")
	if _, ok, err := d.Get("k"); ok || err != nil {
		t.Fatalf("empty db: ok=%v err=%v", ok, err)
	}
	before := time.Now()
	if err := d.Put("k", []byte("v1")); err != nil {
		t.Fatal(err)
	}
	r, ok, err := d.Get("k")
	if !ok || err != nil || string(r.Data) != "v1" {
		t.Fatalf("Get = %q %v %v", r.Data, ok, err)
	}
	if r.Stamp.Before(before.Add(-time.Millisecond)) || r.Stamp.After(time.Now()) {
		t.Errorf("stamp %v not now", r.Stamp)
	}
	if err := d.Put("k", nil); err != nil {
		t.Fatal(err)
	}
	if r, _, _ = d.Get("k"); r.Data == nil || len(r.Data) != 0 {
		t.Errorf("empty data read back as %#v", r.Data)
	}
	if err := d.Delete("k"); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete("k"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	if _, ok, _ = d.Get("k"); ok {
		t.Error("key still there after Delete")
	}
	fi, err := os.Stat(filepath.Join(spool, "db", "retry"))
	if err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("file: %v %v, want mode 0640", fi, err)
	}
}

func TestBinaryKeysAndData(t *testing.T) {
	d, _ := openTemp(t, "misc")
	key := "T:host\x00\xff/é"
	data := []byte{0, 1, 2, 0xff}
	if err := d.Put(key, data); err != nil {
		t.Fatal(err)
	}
	r, ok, err := d.Get(key)
	if !ok || err != nil || !bytes.Equal(r.Data, data) {
		t.Fatalf("Get = %v %v %v", r.Data, ok, err)
	}
}

func TestBadName(t *testing.T) {
	for _, n := range []string{"", "a/b"} {
		if _, err := Open(t.TempDir(), n); err == nil {
			t.Errorf("Open(%q) accepted", n)
		}
	}
}

func TestHandlesShareOneFile(t *testing.T) {
	a, spool := openTemp(t, "wait-remote_smtp")
	b, err := Open(spool, "wait-remote_smtp")
	if err != nil {
		t.Fatal(err)
	}
	if a.s != b.s {
		t.Fatal("two handles on one file do not share state")
	}
	b.Close()
	b.Close() // a second Close must not release a's reference
	if err := a.Put("x", []byte("y")); err != nil {
		t.Fatalf("after other handle closed: %v", err)
	}
	a.Close()
	c, err := Open(spool, "wait-remote_smtp")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if r, ok, _ := c.Get("x"); !ok || string(r.Data) != "y" {
		t.Error("data lost across close and reopen")
	}
}

func TestUpdate(t *testing.T) {
	d, _ := openTemp(t, "misc")
	var sawNil bool
	d.Update("k", func(old *Record) ([]byte, bool) {
		sawNil = old == nil
		return []byte("1"), false
	})
	if !sawNil {
		t.Error("missing record not given as nil")
	}
	d.Update("k", func(old *Record) ([]byte, bool) { return nil, false })
	if r, _, _ := d.Get("k"); string(r.Data) != "1" {
		t.Errorf("(nil,false) changed the record to %q", r.Data)
	}
	d.Update("k", func(old *Record) ([]byte, bool) { return nil, true })
	if _, ok, _ := d.Get("k"); ok {
		t.Error("del did not delete")
	}
}

func TestScanBatchesAndDeletes(t *testing.T) {
	d, _ := openTemp(t, "retry")
	n := scanBatch*2 + 7
	for i := 0; i < n; i++ {
		if err := d.Put(fmt.Sprintf("k%05d", i), []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	d.Put("", []byte("empty key"))
	var seen []string
	err := d.Scan(func(k string, r Record) bool {
		seen = append(seen, k)
		if err := d.Delete(k); err != nil { // tidying while scanning
			t.Fatal(err)
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n+1 || seen[0] != "" || seen[1] != "k00000" {
		t.Fatalf("saw %d keys starting %q", len(seen), seen[:2])
	}
	count := 0
	d.Scan(func(string, Record) bool { count++; return true })
	if count != 0 {
		t.Errorf("%d records left after deleting all", count)
	}
}

func TestScanStops(t *testing.T) {
	d, _ := openTemp(t, "retry")
	for i := 0; i < 5; i++ {
		d.Put(fmt.Sprint(i), nil)
	}
	calls := 0
	d.Scan(func(string, Record) bool { calls++; return calls < 2 })
	if calls != 2 {
		t.Errorf("Scan went on after false: %d calls", calls)
	}
}

func TestPragmas(t *testing.T) {
	d, _ := openTemp(t, "tls")
	var mode string
	var sync, busy int
	d.s.sql.QueryRow("PRAGMA journal_mode").Scan(&mode)
	d.s.sql.QueryRow("PRAGMA synchronous").Scan(&sync)
	d.s.sql.QueryRow("PRAGMA busy_timeout").Scan(&busy)
	if mode != "wal" || sync != 2 || busy != 60000 {
		t.Errorf("journal_mode=%s synchronous=%d busy_timeout=%d, want wal 2 (FULL) 60000", mode, sync, busy)
	}
}

func TestTxn(t *testing.T) {
	d, _ := openTemp(t, "wait-smtp")
	err := d.Txn(func(tx *Tx) error {
		if err := tx.Put("a", []byte("1")); err != nil {
			return err
		}
		if err := tx.Put("a:0", []byte("2")); err != nil {
			return err
		}
		r, ok, err := tx.Get("a")
		if err != nil || !ok || string(r.Data) != "1" {
			t.Errorf("Get in transaction = %q %v %v", r.Data, ok, err)
		}
		return tx.Delete("a:0")
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := d.Get("a:0"); ok {
		t.Error("a:0 survived its delete")
	}
	if r, ok, _ := d.Get("a"); !ok || string(r.Data) != "1" {
		t.Errorf("a = %q %v", r.Data, ok)
	}
	// An error rolls everything back.
	_ = d.Txn(func(tx *Tx) error {
		_ = tx.Put("b", []byte("x"))
		return errTest
	})
	if _, ok, _ := d.Get("b"); ok {
		t.Error("b written by a rolled-back transaction")
	}
}

var errTest = errors.New("test")
