package lookup

import (
	"errors"
	"strings"

	"exigo/internal/regex"
)

// ExpandHook expands a string; package expand sets it. wildlsearch uses it
// to expand the keys in its file. Nil means no expansion.
var ExpandHook func(string) (string, error)

// IsForcedFailHook tells whether an ExpandHook error was a forced
// failure; package expand sets it. A key whose expansion is forced to
// fail matches nothing; other expansion errors make the lookup defer.
var IsForcedFailHook func(error) bool

// lookupWild returns the first entry whose key, taken as a pattern,
// matches subject.
func (lf *lsFile) lookupWild(subject string, expand bool) (*lsEntry, error) {
	for i := range lf.entries {
		ok, err := wildKeyMatches(lf.entries[i].key, subject, expand)
		if err != nil {
			return nil, err
		}
		if ok {
			return &lf.entries[i], nil
		}
	}
	return nil, nil
}

// wildKeyMatches treats pattern as a one-item string list, as Exim does:
// expanded first (wildlsearch), then a leading "!" negates.
func wildKeyMatches(pattern, subject string, expand bool) (bool, error) {
	if expand && ExpandHook != nil {
		p, err := ExpandHook(pattern)
		if err != nil {
			if IsForcedFailHook != nil && IsForcedFailHook(err) {
				return false, nil
			}
			return false, expansionDefer(err)
		}
		pattern = p
	}
	negated := false
	if strings.HasPrefix(pattern, "!") {
		negated = true
		pattern = pattern[skipSpace(pattern, 1):]
	}
	ok, err := patternMatches(pattern, subject)
	if err != nil {
		return false, err
	}
	return ok != negated, nil
}

// expansionDefer is the DEFER after a key failed to expand. Exim's message
// is whatever its last lookup error was: the text of a failed nested
// lookup, otherwise empty.
func expansionDefer(err error) error {
	var oe *OpenError
	if errors.As(err, &oe) {
		return &DeferError{Msg: oe.Msg}
	}
	var de *DeferError
	if errors.As(err, &de) {
		return &DeferError{Msg: de.Msg}
	}
	return &DeferError{}
}

// patternMatches is one item of a caseless string list: a regular
// expression (^...), a tail match (*...), a lookup (type;file), or a
// literal.
func patternMatches(pattern, subject string) (bool, error) {
	switch {
	case strings.HasPrefix(pattern, "^"):
		re, err := regex.Compile("(?i)" + pattern)
		if err != nil {
			return false, deferf("%s", err.Error())
		}
		return re.MatchString(subject), nil
	case strings.HasPrefix(pattern, "*"):
		tail := pattern[1:]
		return len(tail) <= len(subject) && lowerASCII(subject[len(subject)-len(tail):]) == lowerASCII(tail), nil
	}
	semi := strings.IndexByte(pattern, ';')
	if semi < 0 {
		return lowerASCII(subject) == lowerASCII(pattern), nil
	}
	return nestedLookupMatches(pattern[:semi], pattern[semi+1:], lowerASCII(subject))
}

// nestedLookupMatches runs a "type;file" (or "type;query") list item.
func nestedLookupMatches(typ, arg, subject string) (bool, error) {
	spec, err := ParseSpec(typ)
	if err != nil {
		return false, &DeferError{Msg: err.Error()}
	}
	arg = arg[skipSpace(arg, 0):]
	var res Result
	if spec.Driver.Kind() == Query {
		res, err = spec.Query(arg)
	} else {
		res, err = spec.Find(arg, subject)
	}
	if err != nil {
		var oe *OpenError
		if errors.As(err, &oe) {
			return false, &DeferError{Msg: oe.Msg}
		}
		return false, err
	}
	return res.Found, nil
}
