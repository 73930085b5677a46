package spool

import (
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A message just committed can be locked for delivery at once, even
// while other goroutines start child processes (which hold copies of
// every descriptor, and so of the -D lock, until they exec).
func TestLockFreeAfterCommitWhileForking(t *testing.T) {
	sp, _ := Open(t.TempDir(), false)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				exec.Command("/bin/true").Run()
			}
		}()
	}
	defer func() { stop.Store(true); wg.Wait() }()
	now := time.Now()
	for i := range 100 {
		id := NewID(now, i+1, -1)
		writeMessage(t, sp, id, []byte("body\n"))
		f, err := sp.OpenData(id)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		f.Close()
	}
}
