package spool

import (
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Open file description locks (Linux 3.15+). Exim locks the -D file's
// first line with a classic fcntl write lock; OFD locks conflict with
// those, so Exim and exigo exclude each other, but unlike classic locks
// they belong to the open file rather than the process: goroutines of one
// process exclude each other too, F_OFD_GETLK sees the locks of this
// process, and closing another descriptor of the file keeps the lock.

// lockData takes the write lock on the first line of an open -D file
// without waiting; it reports false when someone else holds it.
func lockData(fd int) (bool, error) {
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: dataStart}
	err := syscall.FcntlFlock(uintptr(fd), unix.F_OFD_SETLK, &lk)
	switch err {
	case nil:
		return true, nil
	case syscall.EAGAIN, syscall.EACCES:
		return false, nil
	}
	return false, err
}

// lockDataSoon is lockData trying again for a few tens of milliseconds.
// An open file description lock is shared by every descriptor of it, and
// a child being started holds a copy of each until its exec is done, so
// a writer's lock can outlive its close by that long: a delivery starting
// right after reception must not take the message for one being worked
// on elsewhere.
func lockDataSoon(fd int) (bool, error) {
	wait := time.Millisecond
	for {
		locked, err := lockData(fd)
		if locked || err != nil || wait > 32*time.Millisecond {
			return locked, err
		}
		time.Sleep(wait)
		wait *= 2
	}
}
