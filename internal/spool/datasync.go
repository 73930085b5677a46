package spool

import (
	"io/fs"
	"sync"

	"golang.org/x/sys/unix"
)

// groupSync shares one syncfs(2) of the spool's file system among the
// Commits waiting for their data to be durable: a syncfs that starts
// after a Commit wrote its -D and -H data covers it, whoever called it,
// so concurrent sessions pay for one flush instead of two fdatasyncs
// each. (The spool's file system is the mail server's own; flushing its
// other dirty data too is the price of the batch.)
type groupSync struct {
	fd   int
	path string

	mu      sync.Mutex
	cond    sync.Cond
	started uint64
	done    uint64
	running bool
	broken  error
}

func newGroupSync(fd int, path string) *groupSync {
	g := &groupSync{fd: fd, path: path}
	g.cond.L = &g.mu
	return g
}

// shared returns once a syncfs begun after the call has finished.
func (g *groupSync) shared() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	need := g.started + 1
	for g.done < need && g.broken == nil {
		if g.running {
			g.cond.Wait()
			continue
		}
		g.running = true
		g.started++
		n := g.started
		g.mu.Unlock()
		err := unix.Syncfs(g.fd)
		g.mu.Lock()
		g.running = false
		g.done = n
		if err != nil && g.broken == nil {
			g.broken = &fs.PathError{Op: "syncfs", Path: g.path, Err: err}
		}
		g.cond.Broadcast()
	}
	return g.broken
}
