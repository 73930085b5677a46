package spool

import (
	"io/fs"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"

	"exigo/internal/flush"
)

// inputDir is an input directory held open, so that files are made and
// renamed relative to it and its flushes are shared: a Commit needs a
// directory fsync that started after its rename, and one fsync serves
// every Commit whose rename came before it started (group commit).
type inputDir struct {
	path string
	fd   int

	// names flushes the directory (fsync); data makes the files'
	// contents durable for many Commits at once (syncfs of the spool's
	// file system: the mail server's own, so flushing its other dirty
	// data too is the price of the batch). committing counts the
	// Commits under way, so that a lone one can flush just its files.
	names      flush.Group
	data       flush.Group
	committing atomic.Int32

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
	d.names.Init(func() error { return flush.DirFD(fd, path) })
	d.data.Init(func() error {
		if err := unix.Syncfs(fd); err != nil {
			return &fs.PathError{Op: "syncfs", Path: path, Err: err}
		}
		return nil
	})
	return d, nil
}

// sync returns once every change made in the directory before the call
// is durable.
func (d *inputDir) sync() error {
	return d.names.Wait()
}
