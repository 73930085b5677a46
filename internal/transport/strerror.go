package transport

import (
	"errors"
	"syscall"
)

// Strerror is C's strerror text for the errno behind err: Go's text
// with a capital letter, as glibc writes it.
func Strerror(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	s := errno.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-32) + s[1:]
	}
	return s
}

// Errno is the system error number behind err, 0 when there is none
// (Exim's errno after a failed call).
func Errno(err error) int {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return int(errno)
	}
	return 0
}
