package expand

import "errors"

// Error is an expansion failure. Msg is Exim's expand_string_message, the
// text "exim -be" prints after "Failed: ".
type Error struct {
	Msg string
	// Forced is set for a forced failure ("fail" in an item, or a lookup
	// DEFER's counterpart "forced" states); callers usually treat it as
	// "no value" rather than an error.
	Forced bool
	// Defer is set when a lookup deferred (Exim's search_find_defer).
	Defer bool
}

func (e *Error) Error() string { return e.Msg }

// ForcedFail lets packages that cannot import expand (lists) recognise
// forced failures.
func (e *Error) ForcedFail() bool { return e.Forced }

// IsForcedFail reports whether err is a forced expansion failure.
func IsForcedFail(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Forced
}

// IsDefer reports whether err came from a lookup that deferred.
func IsDefer(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Defer
}

func failMsg(msg string) *Error { return &Error{Msg: msg} }

// errMsg turns any error into an *Error, keeping its text.
func errMsg(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Msg: err.Error()}
}
