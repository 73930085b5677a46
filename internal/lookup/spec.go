package lookup

import (
	"fmt"
	"strings"
)

// ParseSpec parses a lookup type as written in a configuration:
// an optional "partial[N]-" or "partial[N](affix)" prefix, the driver
// name, an optional "*" or "*@" default suffix and ",opt=value" options.
// Error texts are Exim's.
func ParseSpec(s string) (*Spec, error) {
	spec := &Spec{Partial: -1}
	rest, err := parsePartial(s, spec)
	if err != nil {
		return nil, err
	}
	nameLen := len(rest)
	if i := strings.IndexByte(rest, '*'); i >= 0 {
		nameLen = i
		if i+1 < len(rest) && rest[i+1] == '@' {
			spec.StarAt = true
		} else {
			spec.Star = true
		}
	}
	// Options start at the first comma after the star (or the name).
	from := 0
	if nameLen < len(rest) {
		from = nameLen
	}
	if i := strings.IndexByte(rest[from:], ','); i >= 0 {
		if from+i < nameLen {
			nameLen = from + i
		}
		spec.Opts = splitOpts(rest[from+i+1:])
	}
	name := rest[:nameLen]
	d, ok := Get(name)
	if !ok {
		if knownElsewhere[name] {
			return nil, fmt.Errorf("lookup type \"%s\" is not available (not in the binary - check buildtime LOOKUP configuration)", name)
		}
		return nil, fmt.Errorf("unknown lookup type \"%s\"", name)
	}
	spec.Driver = d
	if d.Kind() == Query {
		if spec.Partial >= 0 {
			return nil, fmt.Errorf("\"partial\" is not permitted for lookup type \"%s\"", rest)
		}
		if spec.Star || spec.StarAt {
			return nil, fmt.Errorf("defaults using \"*\" or \"*@\" are not permitted for lookup type \"%s\"", rest)
		}
	}
	return spec, nil
}

// parsePartial consumes a "partial..." prefix into spec and returns the rest.
func parsePartial(s string, spec *Spec) (string, error) {
	if !strings.HasPrefix(s, "partial") {
		return s, nil
	}
	badType := fmt.Errorf("format error in lookup type \"%s\"", s)
	i := len("partial")
	spec.Partial = 2
	if i < len(s) && isDigit(s[i]) {
		spec.Partial = 0
		for i < len(s) && isDigit(s[i]) {
			spec.Partial = spec.Partial*10 + int(s[i]-'0')
			i++
		}
	}
	switch {
	case i < len(s) && s[i] == '(':
		j := i + 1
		for j < len(s) && isPunct(s[j]) && s[j] != ')' {
			j++
		}
		if j >= len(s) || s[j] != ')' {
			return "", badType
		}
		spec.PartialPrefix = s[i+1 : j]
		return s[j+1:], nil
	case i < len(s) && s[i] == '-':
		spec.PartialPrefix = "*."
		return s[i+1:], nil
	}
	return "", badType
}

// splitOpts splits a comma-separated option list, trimming white space.
func splitOpts(s string) []string {
	var out []string
	for _, o := range strings.Split(s, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isPunct is C's ispunct in the C locale.
func isPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !isDigit(c) && !isAlpha(c)
}

func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// String gives the lookup type back in configuration syntax.
func (s *Spec) String() string {
	var b strings.Builder
	if s.Partial >= 0 {
		fmt.Fprintf(&b, "partial%d(%s)", s.Partial, s.PartialPrefix)
	}
	if s.Driver != nil {
		b.WriteString(s.Driver.Name())
	}
	if s.StarAt {
		b.WriteString("*@")
	} else if s.Star {
		b.WriteString("*")
	}
	for _, o := range s.Opts {
		b.WriteString("," + o)
	}
	return b.String()
}
