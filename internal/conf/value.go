package conf

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Value is one option's setting (or default), read into its type.
type Value struct {
	Def    *OptionDef
	Raw    string // the text after "=", as written (macros substituted)
	Set    bool   // false for a default
	Unset  bool   // no value (an unset string, list or fixed point)
	Hidden bool   // "hide" prefix: -bP shows it to admins only
	Bool   bool
	Int    int64         // TypeInt, TypeOctal, TypeSize, TypeUID, TypeGID
	Time   time.Duration // TypeTime
	Fixed  int64         // TypeFixed, in thousandths
	File   string
	Line   int
}

// parseValue reads raw as a value of def's type; the error text is Exim's,
// without the "configuration error in line" prefix.
func parseValue(def *OptionDef, raw string) (*Value, error) {
	v := &Value{Def: def, Raw: raw}
	var err error
	switch def.Type {
	case TypeBool:
		if def.Expanded && strings.HasPrefix(raw, "$") {
			// Exim's opt_expand_bool (a router's more, unseen): a
			// string starting with "$" is expanded when used.
			return v, nil
		}
		v.Bool, err = parseBool(def.Name, raw)
	case TypeInt, TypeSize:
		v.Int, err = parseInt(def.Name, raw, 0)
	case TypeOctal:
		v.Int, err = parseInt(def.Name, raw, 8)
	case TypeKSize:
		v.Int, err = parseKSize(def.Name, raw)
	case TypeTime:
		v.Time, err = parseTimeOption(def.Name, raw)
	case TypeFixed:
		v.Fixed, err = parseFixed(def.Name, raw)
	}
	return v, err
}

// defaultValue is the value of an option nobody set.
func defaultValue(def *OptionDef) *Value {
	if v, ok := defaults.Load(def); ok {
		return v.(*Value)
	}
	v := parseDefault(def)
	defaults.Store(def, v)
	return v
}

// defaults holds each option's parsed default, shared by every reader
// (a default Value is never changed): unset options are read on every
// message, and their defaults need parsing only once.
var defaults sync.Map // *OptionDef -> *Value

func parseDefault(def *OptionDef) *Value {
	if def.Unset {
		return &Value{Def: def, Unset: true}
	}
	v, err := parseValue(def, def.Default)
	if err != nil {
		// A table error, not a user error: keep the text so -bP shows it.
		return &Value{Def: def, Raw: def.Default}
	}
	return v
}

func parseBool(name, raw string) (bool, error) {
	switch strings.ToLower(raw) {
	case "true", "yes":
		return true, nil
	case "false", "no":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a valid value for the %q option", raw, name)
}

// parseInt reads Exim's integers: base 0 means C's strtol rules (0x hex,
// leading 0 octal); K, M and G multiply by 1024 powers.
func parseInt(name, raw string, base int) (int64, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return 0, fmt.Errorf("integer expected for %s", name)
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	digits, rest := splitNumber(s, base)
	if digits == "" {
		return 0, fmt.Errorf("integer expected for %s", name)
	}
	n, err := strconv.ParseInt(digits, base, 64)
	if err != nil || n > math.MaxInt32 {
		return 0, fmt.Errorf("absolute value of integer %q is too large (overflow)", s)
	}
	if rest != "" {
		mult := int64(1)
		switch rest[0] {
		case 'k', 'K':
			mult = 1024
		case 'm', 'M':
			mult = 1024 * 1024
		case 'g', 'G':
			mult = 1024 * 1024 * 1024
		}
		if mult > 1 {
			rest = rest[1:]
			n *= mult
		}
	}
	if strings.TrimSpace(rest) != "" {
		if base == 8 {
			return 0, fmt.Errorf("extra characters follow octal integer value for %s", name)
		}
		return 0, fmt.Errorf("extra characters follow integer value for %s", name)
	}
	if neg {
		n = -n
	}
	return n, nil
}

// splitNumber takes the leading digits of s in the base (0 = C rules).
func splitNumber(s string, base int) (digits, rest string) {
	if base == 0 {
		switch {
		case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
			d, r := takeWhile(s[2:], isHex)
			if d == "" {
				return "0", s[1:]
			}
			return "0x" + d, r
		case len(s) > 1 && s[0] == '0':
			return takeWhile(s, isOctal)
		}
		return takeWhile(s, isDecimal)
	}
	return takeWhile(s, isOctal)
}

func takeWhile(s string, ok func(byte) bool) (string, string) {
	i := 0
	for i < len(s) && ok(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func isDecimal(c byte) bool { return c >= '0' && c <= '9' }
func isOctal(c byte) bool   { return c >= '0' && c <= '7' }
func isHex(c byte) bool {
	return isDecimal(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func parseTimeOption(name, raw string) (time.Duration, error) {
	d, ok := ParseTime(strings.TrimSpace(raw))
	if !ok {
		return 0, fmt.Errorf("invalid time value for %s", name)
	}
	return d, nil
}

// ParseTime reads Exim times such as "1d2h30m", "45s" or "2w"; a bare
// number is seconds.
func ParseTime(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	var total time.Duration
	for s != "" {
		digits, rest := takeWhile(s, isDecimal)
		if digits == "" {
			return 0, false
		}
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			return 0, false
		}
		unit := time.Second
		if rest != "" {
			switch rest[0] {
			case 'w':
				unit = 7 * 24 * time.Hour
			case 'd':
				unit = 24 * time.Hour
			case 'h':
				unit = time.Hour
			case 'm':
				unit = time.Minute
			case 's':
			default:
				return 0, false
			}
			rest = rest[1:]
		}
		total += time.Duration(n) * unit
		s = rest
	}
	return total, true
}

// FormatTime writes a duration as Exim's readconf_printtime does: the
// largest units first, "0s" for zero.
func FormatTime(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	secs := int64(d / time.Second)
	for _, u := range []struct {
		n    int64
		name string
	}{{7 * 86400, "w"}, {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}} {
		if secs >= u.n {
			fmt.Fprintf(&b, "%d%s", secs/u.n, u.name)
			secs %= u.n
		}
	}
	return b.String()
}

// parseFixed reads a fixed point number with up to three decimals (more
// are dropped, as Exim does).
func parseFixed(name, raw string) (int64, error) {
	s := strings.TrimSpace(raw)
	whole, rest := takeWhile(s, isDecimal)
	if whole == "" {
		return 0, fmt.Errorf("fixed-point number expected for %s", name)
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("fixed-point number expected for %s", name)
	}
	n *= 1000
	if strings.HasPrefix(rest, ".") {
		frac, r := takeWhile(rest[1:], isDecimal)
		rest = r
		for i, mult := 0, int64(100); i < len(frac) && mult > 0; i, mult = i+1, mult/10 {
			n += int64(frac[i]-'0') * mult
		}
	}
	if strings.TrimSpace(rest) != "" {
		return 0, fmt.Errorf("extra characters follow fixed-point value for %s", name)
	}
	return n, nil
}

// FormatFixed writes thousandths as Exim prints fixed point values.
func FormatFixed(n int64) string {
	s := fmt.Sprintf("%d.%03d", n/1000, n%1000)
	return s
}

// parseKSize reads Exim's kilobyte-unit sizes: a bare number is already
// in K, and a K, M or G suffix scales from bytes.
func parseKSize(name, raw string) (int64, error) {
	n, err := parseInt(name, raw, 0)
	if err != nil {
		return 0, err
	}
	s := strings.TrimSpace(raw)
	if s != "" && strings.ContainsAny(s[len(s)-1:], "kKmMgG") {
		return n / 1024, nil
	}
	return n, nil
}
