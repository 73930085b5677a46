// Package funcs holds the pure string functions behind the expansion
// operators (hashing, encodings, arithmetic, times, IP addresses, quoting).
// They follow Exim 4.96's results and error texts exactly; the expand
// engine only parses and dispatches.
//
// Errors: every error returned here has, as its Error() text, the whole
// message Exim puts after "Failed: " (its expand_string_message), so the
// engine can pass it on unchanged. Eval's errors are *EvalError, which
// also carries the parts separately.
//
// Strings are handled as bytes, as Exim does: no function here assumes
// UTF-8 unless its Exim counterpart does.
package funcs

import "fmt"

// failf builds an error whose text is exactly the formatted message.
func failf(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// Error is a failure with Exim's message text.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// isSpace is C's isspace() in the "C" locale.
func isSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isAlnum is C's isalnum() in the "C" locale (ASCII only).
func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isXDigit(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
