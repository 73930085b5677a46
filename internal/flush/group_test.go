package flush

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Callers waiting at the same time share flushes, and each one's
// flush starts after it asked.
func TestGroupSharesFlushes(t *testing.T) {
	var g Group
	var flushes, changes atomic.Int64
	var seen atomic.Int64 // changes made before the last flush began
	g.Init(func() error {
		flushes.Add(1)
		seen.Store(changes.Load())
		time.Sleep(5 * time.Millisecond)
		return nil
	})
	var wg sync.WaitGroup
	const callers = 40
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := changes.Add(1)
			if err := g.Wait(); err != nil {
				t.Error(err)
			}
			if seen.Load() < n {
				t.Errorf("change %d returned before a flush covering it (flush saw %d)", n, seen.Load())
			}
		}()
	}
	wg.Wait()
	if n := flushes.Load(); n >= callers || n < 1 {
		t.Errorf("%d flushes for %d callers", n, callers)
	}
}

// A failed flush fails its waiters and every later one.
func TestGroupKeepsFailure(t *testing.T) {
	var g Group
	bad := errors.New("EIO")
	g.Init(func() error { return bad })
	if err := g.Wait(); err != bad {
		t.Fatalf("got %v", err)
	}
	g.Init(func() error { return nil })
	if err := g.Wait(); err != bad {
		t.Fatalf("after a failure got %v", err)
	}
}
