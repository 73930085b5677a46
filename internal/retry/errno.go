package retry

import (
	"errors"
	"syscall"
)

// errnoOf digs the system errno out of err (ENOENT when there is none).
func errnoOf(err error) syscall.Errno {
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	return syscall.ENOENT
}
