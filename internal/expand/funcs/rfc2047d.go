package funcs

import (
	"strings"
	"unicode/utf8"
)

// RFC2047Decoding is how DecodeRFC2047 works, as the parameters of Exim's
// rfc2047_decode2: LenCheck leaves words longer than 75 characters alone
// (check_rfc2047_length); Charset is what the words are converted to (""
// keeps the decoded bytes); a decoded binary zero becomes Zero (0 keeps
// it).
type RFC2047Decoding struct {
	LenCheck bool
	Charset  string
	Zero     byte
}

// DecodeRFC2047 decodes the encoded words in s as Exim's rfc2047_decode2
// does: a word that does not decode stays as it is, and blanks between
// two encoded words go.
func DecodeRFC2047(s string, o RFC2047Decoding) string {
	w, ok := nextEncodedWord(s, o.LenCheck)
	if !ok {
		return s
	}
	var b strings.Builder
	for ok {
		b.WriteString(s[:w.start])
		data := w.data
		if o.Zero != 0 {
			for i, c := range data {
				if c == 0 {
					data[i] = o.Zero
				}
			}
		}
		b.WriteString(ConvertCharset(data, w.charset, o.Charset))
		s = s[w.end:]
		w, ok = nextEncodedWord(s, o.LenCheck)
		if ok && strings.TrimLeft(s[:w.start], " \t\n\v\f\r") == "" {
			s, w.end, w.start = s[w.start:], w.end-w.start, 0
		}
	}
	b.WriteString(s)
	return b.String()
}

// encodedWord is one decodable "=?charset?e?text?=" and where it is.
type encodedWord struct {
	start, end int
	charset    string
	data       []byte
}

// nextEncodedWord finds the first decodable encoded word in s (Exim's
// decode_mimeword): one whose encoding is a single B or Q and whose text
// decodes; with lenCheck, no longer than 75 characters.
func nextEncodedWord(s string, lenCheck bool) (encodedWord, bool) {
	from := 0
	for {
		i := strings.Index(s[from:], "=?")
		if i < 0 {
			return encodedWord{}, false
		}
		start := from + i
		q1 := strings.IndexByte(s[start+2:], '?')
		if q1 < 0 {
			return encodedWord{}, false
		}
		q1 += start + 2
		q2 := strings.IndexByte(s[q1+1:], '?')
		if q2 < 0 {
			return encodedWord{}, false
		}
		q2 += q1 + 1
		e := strings.Index(s[q2+1:], "?=")
		if e < 0 {
			return encodedWord{}, false
		}
		e += q2 + 1
		from = start + 2
		if (lenCheck && e-start > 73) || q2-q1 != 2 {
			continue
		}
		text := s[q2+1 : e]
		var data []byte
		ok := false
		switch s[q1+1] | 0x20 {
		case 'b':
			data, ok = b64Word(text)
		case 'q':
			data, ok = qDecodeWord(text)
		}
		if ok {
			cs := s[start+2 : q1]
			if k := strings.IndexByte(cs, '*'); k >= 0 {
				cs = cs[:k] // RFC 2231 language suffix
			}
			return encodedWord{start: start, end: e + 2, charset: cs, data: data}, true
		}
	}
}

// qDecodeWord is the "Q" encoding: '_' is a space, =XX a byte; a blank
// or a bad escape makes the word undecodable.
func qDecodeWord(s string) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '_':
			out = append(out, ' ')
		case '=':
			if i+2 >= len(s) || !isXDigit(s[i+1]) || !isXDigit(s[i+2]) {
				return nil, false
			}
			out = append(out, byte(hexDigitValue(s[i+1])<<4|hexDigitValue(s[i+2])))
			i += 2
		case ' ', '\t':
			return nil, false
		default:
			out = append(out, c)
		}
	}
	return out, true
}

// b64Word is Exim's b64decode on a C string: the text ends at a NUL.
func b64Word(s string) ([]byte, bool) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	dec, ok := B64Decode(s)
	return []byte(dec), ok
}

// ConvertCharset converts raw from one character set to another where no
// tables are needed: between UTF-8 and ISO-8859-1 / US-ASCII. Anything
// else (and to == "") is left as it is, as Exim copies what iconv cannot
// convert.
func ConvertCharset(raw []byte, from, to string) string {
	if to == "" || strings.EqualFold(from, to) {
		return string(raw)
	}
	switch {
	case isLatin1(from) && isUTF8Name(to):
		var b strings.Builder
		for _, c := range raw {
			b.WriteRune(rune(c))
		}
		return b.String()
	case isUTF8Name(from) && isLatin1(to):
		var b strings.Builder
		for s := string(raw); s != ""; {
			r, n := utf8.DecodeRuneInString(s)
			if r > 0xff {
				r = '?'
			}
			b.WriteByte(byte(r))
			s = s[n:]
		}
		return b.String()
	}
	return string(raw)
}

func isLatin1(cs string) bool {
	cs = strings.ToLower(cs)
	return cs == "iso-8859-1" || cs == "latin1" || cs == "us-ascii" || cs == "iso8859-1"
}

func isUTF8Name(cs string) bool {
	return strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8")
}
