package auth

import (
	"errors"

	"exigo/internal/expand"
)

// mapVars is a small expand.Vars for tests.
type mapVars map[string]string

func (m mapVars) Var(name string) (string, bool, bool) {
	v, ok := m[name]
	return v, false, ok
}

// script is a test Exchange: the client's answers in order, the
// challenges sent recorded as the SMTP server would write them.
type script struct {
	answers []string
	sent    []string
	vars    mapVars
}

var errTooLong = errors.New("line too long")

func (s *script) Challenge(prompt []byte) (string, error) {
	s.sent = append(s.sent, "334 "+Encode64(prompt))
	if len(s.answers) == 0 {
		return "", nil // end of input: Exim goes on with an empty line
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	if a == "<toolong>" {
		return "", errTooLong
	}
	return a, nil
}

func (s *script) Expand(str string, vals []string) (string, error) {
	c := &expand.Context{Vars: Vars(s.vars, vals)}
	return c.Expand(str)
}

// serverFunc makes a Server of a function.
type serverFunc func(c *Call, data string) Result

func (f serverFunc) Serve(c *Call, data string) Result { return f(c, data) }
