package eximlog

import (
	"syscall"
)

// Error is a setting Exim refuses. Msg is Exim's text; Config marks the
// messages Exim writes with its "Exim configuration error:" lead.
type Error struct {
	Msg    string
	Config bool
}

func (e *Error) Error() string {
	if e.Config {
		return "Exim configuration error:\n  " + e.Msg
	}
	return e.Msg
}

func configError(msg string) error { return &Error{Msg: msg, Config: true} }

func plainError(msg string) error { return &Error{Msg: msg} }

// strerror is C's strerror text: Go's errno texts with a capital letter.
func strerror(err error) string {
	if errno, ok := err.(syscall.Errno); ok {
		s := errno.Error()
		if s != "" && s[0] >= 'a' && s[0] <= 'z' {
			s = string(s[0]-32) + s[1:]
		}
		return s
	}
	return err.Error()
}
