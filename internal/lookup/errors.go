package lookup

import (
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
)

// OpenError is a failure to open a lookup's file or database; expansion
// fails with its text (it is not a DEFER).
type OpenError struct{ Msg string }

func (e *OpenError) Error() string { return e.Msg }

// openFailed builds Exim's "failed to open <file> for <what>: <strerror>".
func openFailed(file, what string, err error) error {
	return &OpenError{Msg: fmt.Sprintf("failed to open %s for %s: %s", file, what, strerror(err))}
}

// strerror renders err as C's strerror would: Go's errno texts are the
// same words with a lower-case initial.
func strerror(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	s := errno.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// sysPath is where a file name points: Exim runs with "/" as its
// working directory, so a relative name is taken from there.
func sysPath(file string) string {
	if filepath.IsAbs(file) {
		return file
	}
	return "/" + file
}

func deferf(format string, args ...any) error {
	return &DeferError{Msg: fmt.Sprintf(format, args...)}
}
