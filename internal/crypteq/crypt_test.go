package crypteq

import (
	"crypto/des"
	"encoding/binary"
	"errors"
	"testing"
)

// TestCrypt: vectors from Debian's libxcrypt crypt(3).
func TestCrypt(t *testing.T) {
	tests := []struct{ key, setting, want string }{
		{"pw", "ab", "abzlUXK5ed5rs"},
		{"pw", "abzlUXK5ed5rs", "abzlUXK5ed5rs"},
		{"", "..", "..X8NBuQ4l6uQ"},
		{"password", "zZ", "zZDDIZ0NOlPzw"},
		{"abcdefghXYZ", "ab", "abYH7TYgEKz2Q"}, // only 8 characters count
		{"abcdefgh", "ab", "abYH7TYgEKz2Q"},
		{"\x80\xff", "9.", "9.vGZw4LTeUkE"},
		{"pw", "$1$abc", "$1$abc$Kb85XxsXB.VXinPhbS4431"},
		{"pw", "$1$abcdefghij$x", "$1$abcdefgh$IQtUouv7y7Q9dRWkQEPCc."},
		{"pw", "$5$rounds=1000$abc$x", "$5$rounds=1000$abc$zdUXQ3de2d3x/8MYX1t30oZjPfJThZR5heHeVDYi8j6"},
		{"pw", "$6$0123456789abcdefXYZ$", "$6$0123456789abcdef$zAYvvEJcrKSqV2KUPTUM1K9eaGv20n9mUjWSDZW0QnwBRk0LSoTIT3PW7mCEa30acQuLwC1rnfhmbdGOSp.jX."},
		{"pw", "$6$", "$6$$Z7WSO9A8tKGD2oGB9t2ViKdYTIHgnjMZIbdOJElGnO.QoZE5zDsfnF1WHM.IL2KPxhNG4/v/zU9LBcGhxg5Uy."},
		{"pw", "$6$rounds=1000$abc$xyz$", "$6$rounds=1000$abc$yxe0KSjmoHd8rpohJgwvF5lnIQ/9t.klcz24a1cca3nWm.PLUmhXgcGgKWCoRFHRHYxXj4SVEtjCnCAwaFY0V0"},
		{"pw\x00ignored", "ab", "abzlUXK5ed5rs"},
		{"pw", "_J9..abcd", "_J9..abcdTZ/33djMPto"},
		{"", "_J9..abcd", "_J9..abcdoj0PMidvoVc"},
		{"a much longer password here", "_J9..abcd", "_J9..abcdyGuz0ZsEn4I"},
		{"pw", "_....abcd", "_....abcdYZMi4kon16g"},
		{"pw", "_/...abcd", "_/...abcdYZMi4kon16g"},
		{"pw", "_J9..abcdEXTRA", "_J9..abcdTZ/33djMPto"},
		{"\x80\xffabcdefgh\x81", "_J9..zzzz", "_J9..zzzzDVrEpryvvEk"},
		{"12345678", "_1...ZZZZ", "_1...ZZZZXuUNbMTbOmU"},
		{"123456789", "_1...ZZZZ", "_1...ZZZZdEsPhWLeM.2"},
	}
	for _, tt := range tests {
		got, err := Crypt(tt.key, tt.setting)
		if err != nil || got != tt.want {
			t.Errorf("Crypt(%q, %q) = %q, %v; want %q", tt.key, tt.setting, got, err, tt.want)
		}
	}
}

// TestCryptRefused: settings libxcrypt fails with EINVAL, and methods
// exigo does not implement.
func TestCryptRefused(t *testing.T) {
	for _, s := range []string{"", "a", "a!", "a$", "ab\x80", "\x80b", "$6$rounds=10$abc", "$6$rounds=05000$abc",
		"$6$rounds=$abc", "$6$rounds=abc", "$6$ab:c$", "$6$a b$", "$6$rounds=1000000000$abc", "$1$ab:c$", "_J9..abc", "_J9..abc!"} {
		if got, err := Crypt("pw", s); !errors.Is(err, errInvalid) {
			t.Errorf("Crypt(pw, %q) = %q, %v; want invalid", s, got, err)
		}
	}
	for _, s := range []string{"$y$j9T$abc", "$7$CU..../....abc", "$gy$j9T$abc", "$sha1$1000$abc", "$md5$abc", "$3$", "$2b$04$abc"} {
		if _, err := Crypt("pw", s); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Crypt(pw, %q): %v; want ErrUnsupported", s, err)
		}
	}
}

// TestDESCore: with the salt "..", crypt is plain DES applied 25 times
// to a zero block, which the standard library can compute.
func TestDESCore(t *testing.T) {
	for _, key := range []string{"", "pw", "password", "\x7f\x01zzzzzz"} {
		var k [8]byte
		for i := 0; i < len(key) && i < 8; i++ {
			k[i] = key[i] << 1
		}
		c, err := des.NewCipher(k[:])
		if err != nil {
			t.Fatal(err)
		}
		block := make([]byte, 8)
		for i := 0; i < 25; i++ {
			c.Encrypt(block, block)
		}
		want := ".." + encode64(binary.BigEndian.Uint64(block))
		if got, _ := Crypt(key, ".."); got != want {
			t.Errorf("Crypt(%q, ..) = %q, crypto/des gives %q", key, got, want)
		}
	}
}

func TestCrypt16(t *testing.T) {
	// Exim's crypt16: crypt("longpassword123","ab")[:13], then crypt of
	// "word123" salted with characters 3-4 of that, from character 3 on.
	first, _ := Crypt("longpassword123", "ab")
	second, _ := Crypt("word123", first[2:4])
	want := first + second[2:]
	got, err := Crypt16("longpassword123", "ab")
	if err != nil || got != want || len(got) != 24 {
		t.Errorf("Crypt16 = %q, %v; want %q", got, err, want)
	}
	short, _ := Crypt("short", "ab")
	if got, _ := Crypt16("short", "ab"); got != short {
		t.Errorf("Crypt16(short) = %q, want plain crypt %q", got, short)
	}
}

func TestBcrypt(t *testing.T) {
	const h = "$2b$05$abcdefghijklmnopqrstuuHIrMEWpUCQe2YqFR3sXwQ75u4od..9q" // libxcrypt, "pw"
	for _, tt := range []struct {
		pw, enc string
		want    bool
	}{
		{"pw", h, true},
		{"pW", h, false},
		{"pw", h + "x", false},
		{"pw", "$2x$" + h[4:], false},
	} {
		ok, err := Check(tt.pw, tt.enc)
		if ok != tt.want {
			t.Errorf("Check(%q, %q) = %v, %v", tt.pw, tt.enc, ok, err)
		}
	}
}
