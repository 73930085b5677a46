// Package plainfile opens regular files the cheap way. os.OpenFile
// offers every descriptor to Go's network poller, which for a regular
// file costs four extra system calls (O_NONBLOCK set and cleared, a
// refused epoll registration); the spool and delivery paths open a few
// files per message and need none of that.
package plainfile

import (
	"bytes"
	"io/fs"
	"os"
	"syscall"
)

// Open is os.OpenFile for a regular file (close-on-exec, retried on
// EINTR), with the same *fs.PathError on failure.
func Open(name string, flag int, perm os.FileMode) (*os.File, error) {
	for {
		fd, err := syscall.Open(name, flag|syscall.O_CLOEXEC, uint32(perm.Perm()))
		if err == nil {
			return os.NewFile(uintptr(fd), name), nil
		}
		if err != syscall.EINTR {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
	}
}

// ReadFile is os.ReadFile through Open.
func ReadFile(name string) ([]byte, error) {
	f, err := Open(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	if fi, err := f.Stat(); err == nil {
		b.Grow(int(fi.Size()) + bytes.MinRead)
	}
	_, err = b.ReadFrom(f)
	return b.Bytes(), err
}
