// Package flush shares one flush (an fsync, a syncfs) among the callers
// waiting for it: group commit.
package flush

import "sync"

// Group shares one flush among the callers waiting for it: a flush that
// starts after a caller's change covers it, whoever runs it, so
// concurrent callers share one flush instead of each paying for its
// own. Flushes are numbered as they start.
type Group struct {
	flush func() error

	mu      sync.Mutex
	cond    sync.Cond
	started uint64 // flushes begun
	done    uint64 // flushes finished
	running bool
	// broken is the first flush error: after a failed fsync the kernel
	// may have dropped dirty data, so no later change can be trusted.
	broken error
}

// Init sets the flush the group shares.
func (g *Group) Init(flush func() error) {
	g.flush = flush
	g.cond.L = &g.mu
}

// Wait returns once a flush begun after the call has finished.
func (g *Group) Wait() error {
	return g.WaitFor(g.Mark())
}

// Mark numbers the flush that will make the changes made so far
// durable: a flush already running may have started before them, so
// only the next one to start counts.
func (g *Group) Mark() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.started + 1
}

// WaitFor returns once flush number need has finished, running it (with
// whatever else changed meanwhile) if no one else is.
func (g *Group) WaitFor(need uint64) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.done < need && g.broken == nil {
		if g.running {
			g.cond.Wait()
			continue
		}
		g.running = true
		g.started++
		n := g.started
		g.mu.Unlock()
		err := g.flush()
		g.mu.Lock()
		g.running = false
		g.done = n
		if err != nil && g.broken == nil {
			g.broken = err
		}
		g.cond.Broadcast()
	}
	return g.broken
}
