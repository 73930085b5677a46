// Package syserr gives system errors the text Exim prints for them: C's
// strerror, which is Go's errno wording with the capital letter glibc
// starts it with ("Connection refused").
package syserr

import (
	"errors"
	"syscall"
)

// Text is strerror(errno).
func Text(errno syscall.Errno) string {
	s := errno.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// Number is strerror for an errno kept as an int (an address's basic
// errno); "" when there is none.
func Number(n int) string {
	if n <= 0 {
		return ""
	}
	return Text(syscall.Errno(n))
}

// Of is strerror for the errno behind err (inside *fs.PathError and the
// like), else err's own text; "" for nil.
func Of(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return Text(errno)
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
