package transport

import (
	"errors"
	"syscall"
)

// Errno is the system error number behind err, 0 when there is none
// (Exim's errno after a failed call).
func Errno(err error) int {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return int(errno)
	}
	return 0
}
