package funcs

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
)

const base62Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const base32Chars = "abcdefghijklmnopqrstuvwxyz234567"

// Base62 is ${base62:}: a decimal number (read as C's strtoul does) as
// exactly six base-62 digits, so only the low six digits survive.
func Base62(s string) (string, error) {
	n, ok := strtoul(s)
	if !ok {
		return "", failf("argument for base62 operator is \"%s\", which is not a decimal number", s)
	}
	var out [6]byte
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = base62Chars[n%62]
		n /= 62
	}
	return string(out[:]), nil
}

// Base62Decode is ${base62d:}; the value wraps at 64 bits and prints signed.
func Base62Decode(s string) (string, error) {
	var n uint64
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(base62Chars, s[i])
		if d < 0 {
			return "", failf("argument for base62d operator is \"%s\", which is not a base 62 number", s)
		}
		n = n*62 + uint64(d)
	}
	return strconv.FormatInt(int64(n), 10), nil
}

// Base32 is ${base32:} (Exim's lower-case alphabet, no padding, "" for 0).
func Base32(s string) (string, error) {
	n, ok := strtoul(s)
	if !ok {
		return "", failf("argument for base32 operator is \"%s\", which is not a decimal number", s)
	}
	var out []byte
	for ; n != 0; n >>= 5 {
		out = append(out, base32Chars[n&0x1f])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out), nil
}

// Base32Decode is ${base32d:}.
func Base32Decode(s string) (string, error) {
	var n uint64
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(base32Chars, s[i])
		if d < 0 {
			return "", failf("argument for base32d operator is \"%s\", which is not a base 32 number", s)
		}
		n = n*32 + uint64(d)
	}
	return strconv.FormatInt(int64(n), 10), nil
}

// strtoul parses as C's strtoul(s, &end, 10) followed by a check that
// nothing is left: leading white space and a sign are allowed, a minus
// negates modulo 2^64, overflow gives the maximum, and no digits at all
// is accepted only for the empty string.
func strtoul(s string) (uint64, bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var n uint64
	overflow := false
	for ; i < len(s) && isDigit(s[i]); i++ {
		d := uint64(s[i] - '0')
		if n > (math.MaxUint64-d)/10 {
			overflow = true
		}
		n = n*10 + d
	}
	if i == start {
		return 0, s == ""
	}
	if i != len(s) {
		return 0, false
	}
	if overflow {
		return math.MaxUint64, true
	}
	if neg {
		n = -n
	}
	return n, true
}

// Base64 is ${base64:} and ${str2b64:}.
func Base64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// Str2B64 is ${str2b64:}, the same as ${base64:} for strings.
func Str2B64(s string) string { return Base64(s) }

// Base64Decode is ${base64d:}. Like Exim it ignores white space, insists
// on complete padding, and (as the result is a C string) stops at a
// decoded zero byte.
func Base64Decode(s string) (string, error) {
	out, ok := B64Decode(s)
	if !ok {
		return "", failf("string \"%s\" is not well-formed for \"base64d\" operator", s)
	}
	if i := strings.IndexByte(out, 0); i >= 0 {
		out = out[:i]
	}
	return out, nil
}

// B64Decode follows Exim's b64decode (also the AUTH decoder): quanta of
// four, white space skipped anywhere, "=" or "==" only at the very end,
// bits after the last whole byte ignored; ok is false where Exim's gives -1.
func B64Decode(s string) (string, bool) {
	r := b64reader{s: s}
	var out []byte
	for {
		c, ok := r.next()
		if !ok {
			return string(out), true
		}
		x, ok1 := b64value(c)
		c, _ = r.next()
		y, ok2 := b64value(c)
		if !ok1 || !ok2 {
			return "", false
		}
		out = append(out, x<<2|y>>4)
		c, _ = r.next()
		if c == '=' {
			c, _ = r.next()
			if c != '=' || !r.atEnd() {
				return "", false
			}
			return string(out), true
		}
		if x, ok1 = b64value(c); !ok1 {
			return "", false
		}
		out = append(out, y<<4|x>>2)
		c, _ = r.next()
		if c == '=' {
			if !r.atEnd() {
				return "", false
			}
			return string(out), true
		}
		if y, ok2 = b64value(c); !ok2 {
			return "", false
		}
		out = append(out, x<<6|y)
	}
}

type b64reader struct {
	s   string
	pos int
}

// next returns the next byte that is not white space; 0, false at the end.
func (r *b64reader) next() (byte, bool) {
	for r.pos < len(r.s) {
		c := r.s[r.pos]
		r.pos++
		if !isSpace(c) {
			return c, true
		}
	}
	return 0, false
}

func (r *b64reader) atEnd() bool {
	_, more := r.next()
	return !more
}

func b64value(c byte) (byte, bool) {
	switch {
	case c >= 'A' && c <= 'Z':
		return c - 'A', true
	case c >= 'a' && c <= 'z':
		return c - 'a' + 26, true
	case isDigit(c):
		return c - '0' + 52, true
	case c == '+':
		return 62, true
	case c == '/':
		return 63, true
	}
	return 0, false
}

// Hex2B64 is ${hex2b64:}: hex digits (either case, even count) to base64.
func Hex2B64(s string) (string, error) {
	for i := 0; i < len(s); i++ {
		if !isXDigit(s[i]) {
			return "", failf("\"%s\" is not a hex string", s)
		}
	}
	if len(s)%2 != 0 {
		return "", failf("\"%s\" contains an odd number of characters", s)
	}
	raw := make([]byte, len(s)/2)
	for i := range raw {
		raw[i] = byte(digitValue(s[2*i])<<4 | digitValue(s[2*i+1]))
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}
