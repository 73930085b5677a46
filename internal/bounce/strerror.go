package bounce

import (
	"errors"
	"syscall"
)

// strerror is C's text for the errno in err ("No such file or directory").
func strerror(err error) string {
	var e syscall.Errno
	if !errors.As(err, &e) {
		return err.Error()
	}
	s := e.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
