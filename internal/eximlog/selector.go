package eximlog

import (
	"fmt"
	"strconv"
	"strings"
)

// Selector is a set of log_selector items. It is a small value: copy it
// freely.
type Selector struct{ bits uint64 }

// Every Name fits one word; this fails to compile if that stops being so.
var _ = [1]struct{}{}[numNames/64]

// Has reports whether n is on. The zero Name is always on, so that an
// entry with no selector is always written.
func (s Selector) Has(n Name) bool {
	return n == 0 || s.bits&(1<<n) != 0
}

// With returns s with n turned on.
func (s Selector) With(n Name) Selector {
	if n != 0 && n < numNames {
		s.bits |= 1 << n
	}
	return s
}

// Without returns s with n turned off.
func (s Selector) Without(n Name) Selector {
	s.bits &^= 1 << n
	return s
}

// String lists the names that are on, "+"-prefixed, in Exim's order.
func (s Selector) String() string {
	var b strings.Builder
	for n := Name(1); n < numNames; n++ {
		if s.Has(n) {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte('+')
			b.WriteString(nameText[n])
		}
	}
	return b.String()
}

// DefaultSelector is what Exim 4.96 logs when log_selector is unset.
func DefaultSelector() Selector {
	var s Selector
	for _, n := range defaultNames {
		s = s.With(n)
	}
	return s
}

var allSelector = func() Selector {
	var s Selector
	for n := Name(1); n < numNames; n++ {
		s = s.With(n)
	}
	return s
}()

// ParseSelector applies a log_selector setting to Exim's defaults. The
// error's text is Exim's (without the "Exim configuration error" lead,
// which Error adds).
func ParseSelector(setting string) (Selector, error) {
	return DefaultSelector().Apply(setting)
}

// Apply applies "+name -name ..." (or Exim's internal "=<number>") to s,
// as Exim's decode_bits does.
func (s Selector) Apply(setting string) (Selector, error) {
	if strings.HasPrefix(setting, "=") {
		return applyNumeric(setting)
	}
	rest := setting
	for {
		rest = strings.TrimLeft(rest, " \t\n\r\f\v")
		if rest == "" {
			return s, nil
		}
		if rest[0] != '+' && rest[0] != '-' {
			return s, configError(fmt.Sprintf(
				"malformed log_selector setting: + or - expected but found \"%s\"", rest))
		}
		adding := rest[0] == '+'
		word := selectorWord(rest[1:])
		rest = rest[1+len(word):]
		var err error
		if s, err = s.applyWord(adding, word); err != nil {
			return s, err
		}
	}
}

// selectorWord is the run of letters, digits and underscores Exim takes
// as a selector name.
func selectorWord(s string) string {
	i := 0
	for i < len(s) && (isAlnum(s[i]) || s[i] == '_') {
		i++
	}
	return s[:i]
}

func (s Selector) applyWord(adding bool, word string) (Selector, error) {
	if word == "all" {
		if adding {
			return allSelector, nil
		}
		return Selector{}, nil
	}
	n, ok := LookupName(word)
	if !ok {
		sign := "-"
		if adding {
			sign = "+"
		}
		return s, configError("unknown log_selector setting: " + sign + word)
	}
	if adding {
		return s.With(n), nil
	}
	return s.Without(n), nil
}

// applyNumeric handles "=<number>", which Exim uses when it re-executes
// itself; only the first word of Exim's bit string can be given.
func applyNumeric(setting string) (Selector, error) {
	v, err := strconv.ParseUint(setting[1:], 0, 32)
	if err != nil {
		return Selector{}, configError("malformed numeric log_selector setting: " + setting)
	}
	var s Selector
	for i, n := range firstWord {
		if v&(1<<i) != 0 {
			s = s.With(n)
		}
	}
	return s, nil
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
