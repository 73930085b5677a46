package enq

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"exigo/internal/hints"
)

func open(t *testing.T) *hints.DB {
	t.Helper()
	db, err := hints.Open(t.TempDir(), "misc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStartEndCounts(t *testing.T) {
	db, now := open(t), time.Now()
	for i := 0; i < 2; i++ {
		if ok, err := Start(db, "tpt-serialize-t", 2, now); !ok || err != nil {
			t.Fatalf("start %d: %v %v", i, ok, err)
		}
	}
	if ok, _ := Start(db, "tpt-serialize-t", 2, now); ok {
		t.Fatal("third holder let in with limit 2")
	}
	if err := End(db, "tpt-serialize-t", now); err != nil {
		t.Fatal(err)
	}
	r, _, _ := db.Get("tpt-serialize-t")
	if Count(r.Data) != 1 {
		t.Fatalf("count after one end: %d", Count(r.Data))
	}
	if ok, _ := Start(db, "tpt-serialize-t", 2, now); !ok {
		t.Fatal("refused after a holder left")
	}
	End(db, "tpt-serialize-t", now)
	End(db, "tpt-serialize-t", now)
	if _, found, _ := db.Get("tpt-serialize-t"); found {
		t.Fatal("record left after the last holder ended")
	}
	if err := End(db, "tpt-serialize-t", now); err != nil {
		t.Fatalf("end without a record: %v", err)
	}
}

// A record older than six hours is a leftover of a crash: ignored.
func TestStaleRecordIgnored(t *testing.T) {
	db, now := open(t), time.Now()
	Start(db, "k", 1, now.Add(-7*time.Hour))
	if ok, _ := Start(db, "k", 1, now); !ok {
		t.Fatal("stale record still counted")
	}
	r, _, _ := db.Get("k")
	if Count(r.Data) != 1 {
		t.Fatalf("count restarted at %d, want 1", Count(r.Data))
	}
}

func TestConcurrentHoldersNeverExceedLimit(t *testing.T) {
	db := open(t)
	var inside, most, admitted atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := Start(db, "k", 3, time.Now())
			if err != nil || !ok {
				return
			}
			admitted.Add(1)
			n := inside.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			inside.Add(-1)
			End(db, "k", time.Now())
		}()
	}
	wg.Wait()
	if most.Load() > 3 || admitted.Load() == 0 {
		t.Fatalf("most inside at once %d (limit 3), admitted %d", most.Load(), admitted.Load())
	}
}
