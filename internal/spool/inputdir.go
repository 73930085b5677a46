package spool

import (
	"io/fs"
	"sync"
	"syscall"
)

// inputDir is an input directory held open, so that files are made and
// renamed relative to it and its fsyncs are shared: a Commit needs a
// directory fsync that started after its rename, and one fsync serves
// every Commit whose rename came before it started (group commit).
type inputDir struct {
	path string
	fd   int

	mu      sync.Mutex
	synced  sync.Cond
	started uint64 // fsyncs begun
	done    uint64 // fsyncs finished
	running bool
	// broken is the first fsync error: after a failed fsync the kernel may
	// have dropped dirty entries, so no later Commit can be trusted.
	broken error

	// data makes the files' contents durable for many Commits at once;
	// batch groups the Commits.
	data  *groupSync
	batch commitBatch

	spares spares // see recycle.go
}

func openInputDir(path string) (*inputDir, error) {
	if err := makeDir(path); err != nil {
		return nil, err
	}
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	d := &inputDir{path: path, fd: fd}
	d.synced.L = &d.mu
	d.data = newGroupSync(fd, path)
	return d, nil
}

// sync returns once every change made in the directory before the call
// is durable.
func (d *inputDir) sync() error {
	return d.waitFor(d.mark())
}

// mark numbers the directory fsync that will make the changes made so far
// durable: an fsync already running may have started before them, so only
// the next one to start counts.
func (d *inputDir) mark() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.started + 1
}

// waitFor returns once fsync number need has finished, running it (with
// whatever else changed meanwhile) if no one else is.
func (d *inputDir) waitFor(need uint64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.done < need && d.broken == nil {
		if d.running {
			d.synced.Wait()
			continue
		}
		d.running = true
		d.started++
		n := d.started
		d.mu.Unlock()
		err := dirFsync(d.fd, d.path)
		d.mu.Lock()
		d.running = false
		d.done = n
		if err != nil && d.broken == nil {
			d.broken = err
		}
		d.synced.Broadcast()
	}
	return d.broken
}
