package regex

import (
	"errors"
	"regexp/syntax"
)

// pcreError turns an RE2 syntax error into PCRE's message for the same
// mistake, or returns nil when RE2 merely lacks something PCRE has (the
// backtracking engine is then tried).
func pcreError(pattern string, err error) *CompileError {
	var se *syntax.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code {
	case syntax.ErrMissingRepeatArgument, syntax.ErrInvalidRepeatOp:
		return &CompileError{Pattern: pattern, Msg: "quantifier does not follow a repeatable item"}
	case syntax.ErrInvalidCharRange:
		return &CompileError{Pattern: pattern, Msg: "range out of order in character class"}
	}
	return nil
}
