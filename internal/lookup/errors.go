package lookup

import (
	"fmt"
	"path/filepath"

	"exigo/internal/syserr"
)

// OpenError is a failure to open a lookup's file or database; expansion
// fails with its text (it is not a DEFER).
type OpenError struct{ Msg string }

func (e *OpenError) Error() string { return e.Msg }

// openFailed builds Exim's "failed to open <file> for <what>: <strerror>".
func openFailed(file, what string, err error) error {
	return &OpenError{Msg: fmt.Sprintf("failed to open %s for %s: %s", file, what, syserr.Of(err))}
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
