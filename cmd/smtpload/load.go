package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// queue hands out message sequence numbers. A number taken for a connection
// that then failed to open goes back, so -n counts messages actually tried.
type queue struct {
	next    atomic.Int64
	total   int64
	stopped atomic.Bool

	mu        sync.Mutex
	returned  []int64
	nReturned atomic.Int64 // len(returned), readable without the lock
}

func (q *queue) claim() (int64, bool) {
	if q.stopped.Load() {
		return 0, false
	}
	if q.nReturned.Load() > 0 {
		if seq, ok := q.reclaim(); ok {
			return seq, true
		}
	}
	if n := q.next.Add(1) - 1; n < q.total {
		return n, true
	}
	return 0, false
}

func (q *queue) reclaim() (int64, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := len(q.returned)
	if n == 0 {
		return 0, false
	}
	seq := q.returned[n-1]
	q.returned = q.returned[:n-1]
	q.nReturned.Add(-1)
	return seq, true
}

func (q *queue) release(seq int64) {
	q.mu.Lock()
	q.returned = append(q.returned, seq)
	q.nReturned.Add(1)
	q.mu.Unlock()
}

// tally is one worker's record, merged into the result at the end so that
// workers never contend on a lock.
type tally struct {
	sent, accepted   int64
	rejectedByClass  [6]int64 // index: first digit of the reply code
	connections      int64
	endOfData, setup []time.Duration
	pipelined        bool
}

// shared is what workers must see of each other: the error budget.
type shared struct {
	errors   atomic.Int64
	mu       sync.Mutex
	firstErr string
}

func (sh *shared) fail(err error, q *queue, limit int) {
	if sh.errors.Add(1) >= int64(limit) {
		q.stopped.Store(true)
	}
	sh.mu.Lock()
	if sh.firstErr == "" {
		sh.firstErr = err.Error()
	}
	sh.mu.Unlock()
}

// runLoad sends c.total messages over c.conc workers and summarises.
func runLoad(c config) result {
	start := time.Now()
	m := newMessage(c, start)
	q := &queue{total: int64(c.total)}
	var sh shared
	tallies := make([]tally, c.conc)
	var wg sync.WaitGroup
	for i := range tallies {
		wg.Add(1)
		go func(t *tally) {
			defer wg.Done()
			worker(c, m, q, &sh, t)
		}(&tallies[i])
	}
	wg.Wait()
	return summarise(c, tallies, &sh, time.Since(start))
}

// worker opens sessions and sends claimed messages until none are left.
func worker(c config, m *message, q *queue, sh *shared, t *tally) {
	backoff := newBackoff()
	for {
		seq, ok := q.claim()
		if !ok {
			return
		}
		s, setup, err := openSession(c)
		if err != nil {
			q.release(seq)
			sh.fail(err, q, c.maxErrors)
			backoff.wait()
			continue
		}
		backoff.reset()
		t.connections++
		t.setup = append(t.setup, setup)
		t.pipelined = t.pipelined || (c.pipelining && s.pipelining)
		if !session(c, m, q, sh, t, s, seq) {
			return
		}
	}
}

// session sends message seq and then more, up to c.perConn, on s. It
// returns false when the queue is empty.
func session(c config, m *message, q *queue, sh *shared, t *tally, s *smtpConn, seq int64) bool {
	for sent := 1; ; sent++ {
		out := s.send(c, m, seq)
		t.record(out)
		if out.err != nil {
			sh.fail(out.err, q, c.maxErrors)
		}
		if out.closed {
			s.nc.Close()
			return true
		}
		if c.perConn > 0 && sent >= c.perConn {
			s.quit()
			return true
		}
		var ok bool
		if seq, ok = q.claim(); !ok {
			s.quit()
			return false
		}
	}
}

func (t *tally) record(out outcome) {
	t.sent++
	switch {
	case out.err != nil:
	case out.accepted:
		t.accepted++
	default:
		t.rejectedByClass[min(out.code/100, 5)]++
	}
	if out.latency > 0 {
		t.endOfData = append(t.endOfData, out.latency)
	}
}

// backoff spaces out reconnection attempts after a failed connect.
type backoff struct{ d time.Duration }

func newBackoff() *backoff { return &backoff{d: 10 * time.Millisecond} }

func (b *backoff) wait() {
	time.Sleep(b.d)
	b.d = min(2*b.d, time.Second)
}

func (b *backoff) reset() { b.d = 10 * time.Millisecond }
