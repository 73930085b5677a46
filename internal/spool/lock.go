package spool

import (
	"syscall"
)

// Open file description locks (Linux 3.15+). Exim locks the -D file's
// first line with a classic fcntl write lock; OFD locks conflict with
// those, so Exim and exigo exclude each other, but unlike classic locks
// they belong to the open file rather than the process: goroutines of one
// process exclude each other too, F_OFD_GETLK sees the locks of this
// process, and closing another descriptor of the file keeps the lock.
const (
	fOFDGetlk = 36
	fOFDSetlk = 37
)

// lockData takes the write lock on the first line of an open -D file
// without waiting; it reports false when someone else holds it.
func lockData(fd int) (bool, error) {
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: dataStart}
	err := syscall.FcntlFlock(uintptr(fd), fOFDSetlk, &lk)
	switch err {
	case nil:
		return true, nil
	case syscall.EAGAIN, syscall.EACCES:
		return false, nil
	}
	return false, err
}
