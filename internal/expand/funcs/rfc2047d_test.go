package funcs

import (
	"strings"
	"testing"
)

func TestDecodeRFC2047(t *testing.T) {
	long := "=?utf-8?q?" + strings.Repeat("a", 70) + "?="
	for _, c := range []struct {
		in   string
		o    RFC2047Decoding
		want string
	}{
		{"=?iso-8859-1?q?caf=E9?=", RFC2047Decoding{Charset: "utf-8"}, "café"},
		{"=?utf-8?b?Y2Fmw6k=?=", RFC2047Decoding{Charset: "iso-8859-1"}, "caf\xe9"},
		{"=?utf-8?b?Y2Fmw6k=?=", RFC2047Decoding{}, "café"},
		{"=?utf-8?q?a?= \t =?utf-8?q?b?= c", RFC2047Decoding{}, "ab c"},
		{"x =?utf-8?q?a?= y", RFC2047Decoding{}, "x a y"},
		{"=?utf-8?q?a=00b?=", RFC2047Decoding{Zero: '?'}, "a?b"},
		{"=?utf-8?q?a=00b?=", RFC2047Decoding{}, "a\x00b"},
		{"=?utf-8?x?abc?= =?utf-8?q?bad=Z?=", RFC2047Decoding{}, "=?utf-8?x?abc?= =?utf-8?q?bad=Z?="},
		{long, RFC2047Decoding{LenCheck: true}, long},
		{long, RFC2047Decoding{}, strings.Repeat("a", 70)},
		{"=?utf-8*en?q?hi?=", RFC2047Decoding{Charset: "utf-8"}, "hi"},
	} {
		if got := DecodeRFC2047(c.in, c.o); got != c.want {
			t.Errorf("DecodeRFC2047(%q, %+v) = %q, want %q", c.in, c.o, got, c.want)
		}
	}
}
