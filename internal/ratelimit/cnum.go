package ratelimit

import (
	"math"
	"strconv"
	"strings"
)

// strtod reads the longest prefix of s that C's strtod accepts (leading
// white space, sign, decimal or hexadecimal digits, exponent, "inf",
// "infinity", "nan") and returns its value and the rest. With no number
// at all it returns 0 and s unchanged, as strtod does.
func strtod(s string) (float64, string) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	neg := i > 0 && t[0] == '-'
	if v, n := strtodWord(t[i:]); n > 0 {
		if neg {
			v = -v
		}
		return v, t[i+n:]
	}
	var n int
	var text string
	if len(t) > i+1 && t[i] == '0' && (t[i+1]|0x20) == 'x' {
		n, text = hexFloatPrefix(t[i:])
	}
	if n == 0 {
		n = decimalPrefix(t[i:])
		text = t[i : i+n]
	}
	if n == 0 {
		return 0, s
	}
	v, _ := strconv.ParseFloat(text, 64) // out of range gives ±Inf or 0, as strtod
	if neg {
		v = -v
	}
	return v, t[i+n:]
}

// strtodWord reads "inf", "infinity" or "nan" (any case; a "(...)" after
// nan as well).
func strtodWord(s string) (float64, int) {
	l := strings.ToLower(s)
	switch {
	case strings.HasPrefix(l, "infinity"):
		return math.Inf(1), 8
	case strings.HasPrefix(l, "inf"):
		return math.Inf(1), 3
	case strings.HasPrefix(l, "nan"):
		n := 3
		if rest := s[3:]; strings.HasPrefix(rest, "(") {
			if j := strings.IndexByte(rest, ')'); j > 0 && isAlnumUnderscore(rest[1:j]) {
				n += j + 1
			}
		}
		return math.NaN(), n
	}
	return 0, 0
}

func isAlnumUnderscore(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'z') {
			return false
		}
	}
	return true
}

// decimalPrefix is the length of digits[.digits][e[sign]digits] at the
// start of s (an exponent without digits is not part of it).
func decimalPrefix(s string) int {
	i := countWhile(s, isDigit)
	mant := i
	if i < len(s) && s[i] == '.' {
		j := countWhile(s[i+1:], isDigit)
		mant += j
		i += 1 + j
	}
	if mant == 0 {
		return 0
	}
	return i + exponentLen(s[i:], 'e')
}

// hexFloatPrefix reads 0x hexdigits[.hexdigits][p[sign]digits]; it also
// returns the text in a form strconv accepts (which needs the exponent).
func hexFloatPrefix(s string) (int, string) {
	i := 2 + countWhile(s[2:], isHex)
	mant := i - 2
	if i < len(s) && s[i] == '.' {
		j := countWhile(s[i+1:], isHex)
		mant += j
		i += 1 + j
	}
	if mant == 0 {
		return 0, "" // "0x" alone: strtod reads just the "0"
	}
	e := exponentLen(s[i:], 'p')
	if e == 0 {
		return i, s[:i] + "p0"
	}
	return i + e, s[:i+e]
}

// exponentLen is the length of an exponent marker (e or p, any case),
// optional sign and at least one digit at the start of s; 0 if none.
func exponentLen(s string, marker byte) int {
	if len(s) == 0 || s[0]|0x20 != marker {
		return 0
	}
	i := 1
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	d := countWhile(s[i:], isDigit)
	if d == 0 {
		return 0
	}
	return i + d
}

func countWhile(s string, ok func(byte) bool) int {
	i := 0
	for i < len(s) && ok(s[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'f'
}

// formatF is C's printf "%.<prec>f", which spells infinities and NaNs
// "inf", "-inf", "nan" and "-nan".
func formatF(v float64, prec int) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	case math.IsNaN(v):
		if math.Signbit(v) {
			return "-nan"
		}
		return "nan"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}
