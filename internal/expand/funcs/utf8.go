package funcs

import "strings"

// UTF8Clean is ${utf8clean:}: valid UTF-8 sequences are kept and each
// broken one becomes "?", following Exim's byte-by-byte checker (which
// accepts overlong forms but not surrogates or values above U+10FFFF).
func UTF8Clean(s string) string {
	c := utf8Cleaner{}
	for i := 0; i < len(s); i++ {
		c.feed(s[i])
	}
	if c.left != 0 {
		c.out.WriteByte('?')
	}
	return c.out.String()
}

type utf8Cleaner struct {
	out   strings.Builder
	seq   []byte // the sequence being read
	need  int    // length the sequence should have
	left  int    // continuation bytes still expected
	point rune
}

func (c *utf8Cleaner) feed(b byte) {
	if c.left > 0 {
		c.continuation(b)
		return
	}
	switch {
	case b < 0x80:
		c.out.WriteByte(b)
		return
	case b&0xe0 == 0xc0 && b >= 0xc2:
		c.start(b, 1, rune(b&0x1f))
	case b&0xf0 == 0xe0:
		c.start(b, 2, rune(b&0x0f))
	case b&0xf8 == 0xf0:
		c.start(b, 3, rune(b&0x07))
	default: // 0xc0, 0xc1, stray continuation, or too long
		c.out.WriteByte('?')
	}
}

func (c *utf8Cleaner) start(b byte, more int, bits rune) {
	c.seq = append(c.seq[:0], b)
	c.need, c.left, c.point = more+1, more, bits
}

func (c *utf8Cleaner) continuation(b byte) {
	if b&0xc0 != 0x80 {
		// A broken sequence: drop it; an ASCII byte that broke it is kept,
		// anything else is lost as it is in Exim.
		c.left = 0
		c.out.WriteByte('?')
		if b < 0x80 {
			c.out.WriteByte(b)
		}
		return
	}
	c.point = c.point<<6 | rune(b&0x3f)
	c.seq = append(c.seq, b)
	if c.left--; c.left > 0 {
		return
	}
	if c.point > 0x10ffff || (c.point >= 0xd800 && c.point <= 0xdfff) {
		c.out.WriteByte('?')
		return
	}
	c.out.Write(c.seq[:c.need])
}

// FromUTF8 is ${from_utf8:}: UTF-8 to ISO-8859-1, with "_" for characters
// above U+00FF. Like Exim it decodes leniently: a byte that does not start
// a sequence is copied as it is, and a truncated sequence at the end is
// completed with zero bits.
func FromUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := rune(s[i])
		i++
		if c&0xc0 == 0xc0 {
			extra := utf8Extra[c&0x3f]
			shift := 6 * extra
			c = (c & utf8LeadMask[extra]) << shift
			for ; extra > 0; extra-- {
				shift -= 6
				if i < len(s) {
					c |= rune(s[i]&0x3f) << shift
					i++
				}
			}
		}
		if c > 255 {
			c = '_'
		}
		b.WriteByte(byte(c))
	}
	return b.String()
}

// utf8Extra is the number of continuation bytes announced by a lead byte,
// indexed by its low six bits (Exim's table, which allows up to five).
var utf8Extra = [64]int{
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5}

var utf8LeadMask = [6]rune{0xff, 0x1f, 0x0f, 0x07, 0x03, 0x01}
