package waitdb

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"exigo/internal/hints"
	"exigo/internal/retry"
)

func open(t *testing.T) *hints.DB {
	t.Helper()
	db, err := hints.Open(t.TempDir(), Name("smtp"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func id(n int) string { return fmt.Sprintf("1abcde-%06d-AB", n) }

func ids(t *testing.T, db *hints.DB, key string) []string {
	t.Helper()
	r, ok, err := db.Get(key)
	if err != nil || !ok {
		return nil
	}
	w, err := retry.DecodeWait(r.Data)
	if err != nil {
		t.Fatal(err)
	}
	return w.IDs
}

var now = time.Unix(1700000000, 0)

func TestRecordOncePerHost(t *testing.T) {
	db := open(t)
	for _, n := range []int{1, 2, 1} {
		if err := Record(db, []string{"mx1.example", "mx1.example", "mx2.example"}, id(n), now); err != nil {
			t.Fatal(err)
		}
	}
	if got := ids(t, db, "mx1.example"); fmt.Sprint(got) != fmt.Sprint([]string{id(1), id(2)}) {
		t.Errorf("mx1 = %v", got)
	}
	if got := ids(t, db, "mx2.example"); len(got) != 2 {
		t.Errorf("mx2 = %v", got)
	}
}

func TestContinuationRecords(t *testing.T) {
	db := open(t)
	for n := 0; n < 2*retry.WaitNameMax+3; n++ {
		if err := Record(db, []string{"h"}, id(n), now); err != nil {
			t.Fatal(err)
		}
	}
	// Re-recording an id that sits in a continuation adds nothing.
	if err := Record(db, []string{"h"}, id(5), now); err != nil {
		t.Fatal(err)
	}
	if n := len(ids(t, db, "h:0")); n != retry.WaitNameMax {
		t.Errorf("h:0 has %d ids", n)
	}
	if n := len(ids(t, db, "h:1")); n != retry.WaitNameMax {
		t.Errorf("h:1 has %d ids", n)
	}
	if got := ids(t, db, "h"); len(got) != 3 {
		t.Errorf("h = %v", got)
	}
	// Taking every id empties the main record, then h:1, then h:0.
	seen := map[string]bool{}
	all := Lookup{OnSpool: func(string) bool { return true }, Now: now}
	for {
		got, more, err := Next(db, "h", "", all)
		if err != nil {
			t.Fatal(err)
		}
		if got == "" {
			break
		}
		if seen[got] {
			t.Fatalf("%s taken twice", got)
		}
		seen[got] = true
		if !more && len(seen) != 2*retry.WaitNameMax+3 {
			t.Fatalf("more=false after %d", len(seen))
		}
	}
	if len(seen) != 2*retry.WaitNameMax+3 {
		t.Errorf("took %d ids", len(seen))
	}
	for _, k := range []string{"h", "h:0", "h:1"} {
		if _, ok, _ := db.Get(k); ok {
			t.Errorf("%s left behind", k)
		}
	}
}

func TestNextSkipsGoneAndRefused(t *testing.T) {
	db := open(t)
	for n := 1; n <= 4; n++ {
		if err := Record(db, []string{"h"}, id(n), now); err != nil {
			t.Fatal(err)
		}
	}
	l := Lookup{
		OnSpool:    func(x string) bool { return x != id(4) },
		Acceptable: func(x string) bool { return x != id(3) },
		Now:        now,
	}
	// Current is 1; 4 is gone, 3 refused: 2 is taken, 3 stays.
	got, more, err := Next(db, "h", id(1), l)
	if err != nil || got != id(2) || !more {
		t.Fatalf("Next = %q %v %v", got, more, err)
	}
	if left := ids(t, db, "h"); fmt.Sprint(left) != fmt.Sprint([]string{id(3)}) {
		t.Errorf("left %v", left)
	}
	got, _, _ = Next(db, "h", id(2), l)
	if got != "" {
		t.Errorf("second Next = %q", got)
	}
}

func TestNextNoRecordAndBadCount(t *testing.T) {
	db := open(t)
	if got, more, err := Next(db, "none", "", Lookup{}); got != "" || more || err != nil {
		t.Errorf("Next on no record = %q %v %v", got, more, err)
	}
	bad := (&retry.WaitRecord{Stamp: now, IDs: []string{id(1)}}).Encode()
	bad[8] = 99
	if err := db.Put("h", bad); err != nil {
		t.Fatal(err)
	}
	_, _, err := Next(db, "h", "", Lookup{})
	var bc *BadCountError
	if !errors.As(err, &bc) || bc.Error() != "smtp-wait database entry for h has bad count=99 (max=50)" {
		t.Errorf("err = %v", err)
	}
}
