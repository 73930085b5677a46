package auth

import (
	"encoding/base64"
	"testing"
)

// Decode64 follows Exim's b64decode, not RFC 4648's strict decoder.
func TestDecode64(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "", true},
		{"AHVzZXJuYW1lAG15c2VjcmV0", "\x00username\x00mysecret", true},
		{"QQ==", "A", true},
		{"QUI=", "AB", true},
		{"QUJD", "ABC", true},
		{"QQ", "", false},          // the last quantum must be padded
		{"QUI", "", false},         // likewise
		{"Q", "", false},           // a lone character
		{"QR==", "A", true},        // leftover bits are ignored
		{" Q U\tI = ", "AB", true}, // white space anywhere
		{"QQ==QQ==", "", false},    // nothing may follow padding
		{"QQ= =", "A", true},
		{"QQ=A", "", false},
		{"QUJDQQ==", "ABCA", true},
		{"*", "", false},
		{"QUJD\x00junk", "ABC", true}, // C stops at a NUL
		{"QUJ\xc3", "", false},
		{"=", "", false},
	}
	for _, c := range cases {
		got, ok := Decode64(c.in)
		if ok != c.ok || (ok && string(got) != c.want) {
			t.Errorf("Decode64(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestEncode64RoundTrip(t *testing.T) {
	for _, s := range []string{"", "Username:", "Password:", "\x00u\x00p", "\xff\xfe"} {
		enc := Encode64([]byte(s))
		if enc != base64.StdEncoding.EncodeToString([]byte(s)) {
			t.Errorf("Encode64(%q) = %q", s, enc)
		}
		if got, ok := Decode64(enc); !ok || string(got) != s {
			t.Errorf("round trip of %q: %q %v", s, got, ok)
		}
	}
}

func FuzzDecode64(f *testing.F) {
	f.Add("QUJD")
	f.Add("QQ==")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := Decode64(s)
		if !ok {
			return
		}
		// Whatever decodes re-encodes to the same data.
		if again, ok := Decode64(Encode64(got)); !ok || string(again) != string(got) {
			t.Fatalf("%q decoded to %q, which does not round-trip", s, got)
		}
	})
}
