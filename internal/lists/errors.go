package lists

import (
	"errors"

	"exigo/internal/lookup"
)

// DeferError is a temporary failure while matching (Exim's DEFER): a
// lookup deferred, a DNS lookup failed, a named list could not be
// expanded. Msg is Exim's search_error_message, which ${if match_...}
// shows as `unable to complete match against "<list>": <Msg>`.
type DeferError struct {
	Msg string
}

func (e *DeferError) Error() string { return e.Msg }

// FatalError is a configuration error Exim treats as fatal when it meets
// it while matching (it writes Msg to the panic log and exits): an
// unknown lookup type, a list file that cannot be opened, a bad regular
// expression.
type FatalError struct {
	Msg string
}

func (e *FatalError) Error() string { return e.Msg }

// IsDefer reports whether err is a temporary failure.
func IsDefer(err error) bool {
	var d *DeferError
	return errors.As(err, &d) || lookup.IsDefer(err)
}

// IsFatal reports whether err is one Exim would die of.
func IsFatal(err error) bool {
	var f *FatalError
	return errors.As(err, &f)
}

// nullMessage is what Exim reports for defers that leave no message.
const nullMessage = "NULL"
