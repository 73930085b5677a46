package eximlog

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
