package mime

import (
	"strings"

	"exigo/internal/expand/funcs"
)

// decode2047 decodes the RFC 2047 encoded words in s as Exim's
// rfc2047_decode does without a target character set: words are decoded
// to bytes whatever their charset, binary zeros become zero, and blanks
// between two encoded words go. With lenCheck, words longer than 75
// characters are left alone (check_rfc2047_length).
func decode2047(s string, lenCheck bool, zero byte) string {
	start, end, data, ok := nextWord(s, lenCheck)
	if !ok {
		return s
	}
	var b strings.Builder
	for ok {
		b.WriteString(s[:start])
		for _, c := range data {
			if c == 0 {
				c = zero
			}
			b.WriteByte(c)
		}
		s = s[end:]
		start, end, data, ok = nextWord(s, lenCheck)
		if ok && strings.TrimLeft(s[:start], " \t\n\v\f\r") == "" {
			s, start, end = s[start:], 0, end-start
		}
	}
	b.WriteString(s)
	return b.String()
}

// nextWord finds the first decodable "=?charset?e?text?=" in s (Exim's
// decode_mimeword), giving its bounds and the decoded bytes.
func nextWord(s string, lenCheck bool) (start, end int, data []byte, ok bool) {
	from := 0
	for {
		i := strings.Index(s[from:], "=?")
		if i < 0 {
			return 0, 0, nil, false
		}
		start = from + i
		q1 := strings.IndexByte(s[start+2:], '?')
		if q1 < 0 {
			return 0, 0, nil, false
		}
		q1 += start + 2
		q2 := strings.IndexByte(s[q1+1:], '?')
		if q2 < 0 {
			return 0, 0, nil, false
		}
		q2 += q1 + 1
		e := strings.Index(s[q2+1:], "?=")
		if e < 0 {
			return 0, 0, nil, false
		}
		e += q2 + 1
		from = start + 2
		if (lenCheck && e-start > 73) || q2-q1 != 2 {
			continue
		}
		text := s[q2+1 : e]
		switch s[q1+1] | 0x20 {
		case 'b':
			data, ok = b64decode(text)
		case 'q':
			data, ok = qDecode(text)
		}
		if ok {
			return start, e + 2, data, true
		}
	}
}

// qDecode is the "Q" encoding: '_' is a space, =XX a byte; a blank or a
// bad escape makes the word undecodable.
func qDecode(s string) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '_':
			out = append(out, ' ')
		case '=':
			if i+2 >= len(s) || !isXDigit(s[i+1]) || !isXDigit(s[i+2]) {
				return nil, false
			}
			out = append(out, hexVal(s[i+1])<<4|hexVal(s[i+2]))
			i += 2
		case ' ', '\t':
			return nil, false
		default:
			out = append(out, c)
		}
	}
	return out, true
}

var b64Values = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = 255
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// b64decode is Exim's b64decode on a C string: the text ends at a NUL.
func b64decode(s string) ([]byte, bool) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	dec, ok := funcs.B64Decode(s)
	return []byte(dec), ok
}

func isXDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
