package conf

import (
	"strconv"
	"strings"
)

// setOption reads "[hide] name [= value]" (with no_/not_ for booleans)
// into opts. what prefixes the unknown-option error ("main option" or
// "option"); hint is added to it for drivers without a driver yet.
func (p *parser) setOption(opts *Options, l line, what string) error {
	return p.setOptionHint(opts, l, what, "")
}

func (p *parser) setOptionHint(opts *Options, l line, what, hint string) error {
	text := l.text
	hidden := false
	if rest, ok := strings.CutPrefix(text, "hide"); ok && rest != "" && isSpace(rest[0]) {
		hidden, text = true, strings.TrimLeft(rest, " \t")
	}
	name, rest := splitName(text)
	if name == "" {
		return p.errAt(l, "option setting expected: %s", l.text)
	}
	def := opts.Def(name)
	negated := false
	if def == nil {
		for _, prefix := range []string{"no_", "not_"} {
			if base, ok := strings.CutPrefix(name, prefix); ok {
				if d := opts.Def(base); d != nil {
					if d.Type != TypeBool {
						return p.errAt(l, "negation prefix applied to a non-boolean option")
					}
					def, negated, name = d, true, base
				}
				break
			}
		}
	}
	if def == nil {
		return p.errAt(l, "%s %q unknown%s", what, name, hint)
	}
	if opts.vals[name] != nil {
		return p.errAt(l, "%q option set for the second time", name)
	}
	rest = strings.TrimLeft(rest, " \t")
	v, err := p.optionValue(def, name, rest, negated, l)
	if err != nil {
		return err
	}
	v.Set, v.Hidden, v.File, v.Line = true, hidden, l.file, l.num
	opts.vals[name] = v
	for _, target := range optionFanOut[name] {
		if d := opts.Def(target); d != nil {
			c := *v
			c.Def = d
			opts.vals[target] = &c
		}
	}
	return nil
}

// optionFanOut lists options that set others: Exim's router "verify" is
// verify_sender plus verify_recipient, and return_size_limit is the old
// name of bounce_return_size_limit.
var optionFanOut = map[string][]string{
	"verify":            {"verify_sender", "verify_recipient"},
	"fail_verify":       {"fail_verify_sender", "fail_verify_recipient"},
	"return_size_limit": {"bounce_return_size_limit"},
}

// optionValue reads the part after the name.
func (p *parser) optionValue(def *OptionDef, name, rest string, negated bool, l line) (*Value, error) {
	if def.Type == TypeBool {
		if !strings.HasPrefix(rest, "=") {
			if rest != "" {
				return nil, p.errAt(l, "extra characters follow boolean option %s", name)
			}
			return &Value{Def: def, Raw: strconv.FormatBool(!negated), Bool: !negated}, nil
		}
		raw := strings.TrimSpace(rest[1:])
		if raw == "" {
			return &Value{Def: def, Raw: "true", Bool: !negated}, nil
		}
		v, err := parseValue(def, raw)
		if err != nil {
			return nil, p.errAt(l, "%v", err)
		}
		v.Bool = v.Bool != negated
		return v, nil
	}
	if !strings.HasPrefix(rest, "=") {
		if rest == "" {
			return nil, p.errAt(l, "unexpected end of line (data missing) after %s", name)
		}
		return nil, p.errAt(l, "\"=\" missing after %s", name)
	}
	raw := strings.TrimSpace(rest[1:])
	if isStringish(def.Type) && strings.HasPrefix(raw, `"`) {
		s, err := dequote(raw)
		if err != nil {
			return nil, p.errAt(l, "%v for %s", err, name)
		}
		raw = s
	}
	v, err := parseValue(def, raw)
	if err != nil {
		return nil, p.errAt(l, "%v", err)
	}
	return v, nil
}

func isStringish(t Type) bool {
	switch t {
	case TypeBool, TypeInt, TypeOctal, TypeSize, TypeKSize, TypeTime, TypeFixed:
		return false
	}
	return true
}

// dequote interprets a double-quoted configuration string: \\ \n \r \t,
// up to three octal digits, \x and up to two hex digits; any other
// escaped character stands for itself.
func dequote(s string) (string, error) {
	var b strings.Builder
	i := 1
	for ; i < len(s) && s[i] != '"'; i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch c = s[i]; {
		case c == 'n':
			b.WriteByte('\n')
		case c == 'r':
			b.WriteByte('\r')
		case c == 't':
			b.WriteByte('\t')
		case isOctal(c):
			n, j := 0, i
			for ; j < len(s) && j < i+3 && isOctal(s[j]); j++ {
				n = n*8 + int(s[j]-'0')
			}
			b.WriteByte(byte(n))
			i = j - 1
		case c == 'x':
			n, j := 0, i+1
			for ; j < len(s) && j < i+3 && isHex(s[j]); j++ {
				n = n*16 + hexVal(s[j])
			}
			b.WriteByte(byte(n))
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	if i >= len(s) {
		return "", errMissingQuote
	}
	if strings.TrimSpace(s[i+1:]) != "" {
		return "", errAfterQuote
	}
	return b.String(), nil
}

type confErr string

func (e confErr) Error() string { return string(e) }

const (
	errMissingQuote = confErr("missing quote at end of string value")
	errAfterQuote   = confErr("extra characters follow string value")
)

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}
