package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// idleResult summarises an -idle run.
type idleResult struct {
	Addr         string  `json:"addr"`
	Requested    int     `json:"requested"`
	Opened       int     `json:"opened"`
	Failed       int     `json:"failed"`
	OpenAtEnd    int64   `json:"open_at_end"`
	HoldS        float64 `json:"hold_s"`
	ConnectP50Ms float64 `json:"connect_p50_ms"`
	FirstError   string  `json:"first_error,omitempty"`
}

// idlePool is the set of sessions held open; open counts those the server
// has not closed yet.
type idlePool struct {
	mu       sync.Mutex
	sessions []*smtpConn
	setup    []time.Duration
	failed   int
	firstErr string
	open     atomic.Int64
	readers  sync.WaitGroup
}

// runIdle opens c.idle sessions (c.conc at a time), holds them for c.hold
// while reporting on progress how many are still open, then QUITs them.
func runIdle(c config, progress io.Writer) idleResult {
	p := &idlePool{}
	p.openAll(c)
	fmt.Fprintf(progress, "smtpload: %d of %d connections open, holding for %v\n", p.open.Load(), c.idle, c.hold)
	held := p.hold(c.hold, progress)
	r := idleResult{
		Addr: c.addr, Requested: c.idle, Opened: len(p.sessions), Failed: p.failed,
		OpenAtEnd: p.open.Load(), HoldS: roundTo(held.Seconds(), 3),
		ConnectP50Ms: summariseLatencies(p.setup).P50, FirstError: p.firstErr,
	}
	p.closeAll(c.timeout)
	return r
}

func (p *idlePool) openAll(c config) {
	jobs := make(chan struct{})
	var wg sync.WaitGroup
	for range min(c.conc, c.idle) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				p.openOne(c)
			}
		}()
	}
	for range c.idle {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
}

func (p *idlePool) openOne(c config) {
	s, setup, err := openSession(c)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.failed++
		if p.firstErr == "" {
			p.firstErr = err.Error()
		}
		return
	}
	p.sessions = append(p.sessions, s)
	p.setup = append(p.setup, setup)
	p.open.Add(1)
	p.readers.Add(1)
	s.nc.SetReadDeadline(time.Time{}) // idle for as long as the hold lasts
	go p.watch(s)
}

// watch notices the server closing an idle session: the read returns only
// at end of file (or error), apart from the reply to our final QUIT.
func (p *idlePool) watch(s *smtpConn) {
	defer p.readers.Done()
	io.Copy(io.Discard, s.br)
	p.open.Add(-1)
}

// hold waits for d, printing the open count each second it has changed.
func (p *idlePool) hold(d time.Duration, progress io.Writer) time.Duration {
	start := time.Now()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	last := p.open.Load()
	for {
		select {
		case <-deadline.C:
			return time.Since(start)
		case <-tick.C:
			if n := p.open.Load(); n != last {
				fmt.Fprintf(progress, "smtpload: %d connections open\n", n)
				last = n
			}
		}
	}
}

// closeAll sends QUIT everywhere, lets the watchers read the replies until
// the server closes (bounded by timeout), then closes our ends.
func (p *idlePool) closeAll(timeout time.Duration) {
	for _, s := range p.sessions {
		s.nc.SetWriteDeadline(time.Now().Add(timeout))
		s.nc.Write([]byte("QUIT\r\n"))
		s.nc.SetReadDeadline(time.Now().Add(timeout))
	}
	p.readers.Wait()
	for _, s := range p.sessions {
		s.nc.Close()
	}
}
