package auth

import "encoding/base64"

// Encode64 is base64 as Exim's b64encode writes it: the standard alphabet
// with padding, on one line.
func Encode64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// Decode64 decodes base64 the way Exim's b64decode does, which is not the
// way Go's decoder does: white space anywhere is skipped, the last quantum
// must be padded ("QQ" is an error, "QQ==" is "A"), the bits after the last
// whole byte are ignored, and nothing but white space may follow padding.
// ok is false where Exim returns -1.
func Decode64(s string) (out []byte, ok bool) {
	r := decoder{s: s}
	out = make([]byte, 0, len(s)/4*3+3)
	for {
		x, more := r.next()
		if !more {
			return out, true
		}
		a, ok := sextet(x)
		if !ok {
			return nil, false
		}
		y, _ := r.next()
		b, ok := sextet(y)
		if !ok {
			return nil, false
		}
		out = append(out, a<<2|b>>4)
		x, _ = r.next()
		if x == '=' {
			return out, r.padEnd(true)
		}
		c, ok := sextet(x)
		if !ok {
			return nil, false
		}
		out = append(out, b<<4|c>>2)
		y, _ = r.next()
		if y == '=' {
			return out, r.padEnd(false)
		}
		d, ok := sextet(y)
		if !ok {
			return nil, false
		}
		out = append(out, c<<6|d)
	}
}

// decoder hands out the input's bytes with white space skipped; 0 stands
// for the end of the string, as the terminating NUL does in C.
type decoder struct {
	s string
	i int
}

func (d *decoder) next() (byte, bool) {
	for d.i < len(d.s) && isSpace(d.s[d.i]) {
		d.i++
	}
	if d.i >= len(d.s) {
		return 0, false
	}
	c := d.s[d.i]
	d.i++
	return c, c != 0
}

// padEnd checks what follows a '=': a second '=' when two are due, then
// the end of the string.
func (d *decoder) padEnd(second bool) bool {
	if second {
		if c, _ := d.next(); c != '=' {
			return false
		}
	}
	c, _ := d.next()
	return c == 0
}

func sextet(c byte) (byte, bool) {
	switch {
	case c >= 'A' && c <= 'Z':
		return c - 'A', true
	case c >= 'a' && c <= 'z':
		return c - 'a' + 26, true
	case c >= '0' && c <= '9':
		return c - '0' + 52, true
	case c == '+':
		return 62, true
	case c == '/':
		return 63, true
	}
	return 0, false
}

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
