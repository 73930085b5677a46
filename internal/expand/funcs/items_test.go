package funcs

import (
	"testing"
	"time"
)

// Expected values below were produced by Exim 4.96 (see the brief's
// oracle); the prvs ones on a day whose stamp (+7) was "789".

func TestHMAC(t *testing.T) {
	long := "0123456789012345678901234567890123456789012345678901234567890123456789"
	tests := []struct{ algo, secret, data, want, err string }{
		{"md5", "somesecret", "mail.example.com 2002-10-17 11:30:59", "dd97e3ba5d1a61b5006108f8c8252953", ""},
		{"sha1", "somesecret", "mail.example.com 2002-10-17 11:30:59", "0210cf9d274b53f1550f657c378b29e8bfed1064", ""},
		{"md5", "key", "data", "9d5c73ef85594d34ec4438b7c97e51d8", ""},
		{"sha1", "key", "data", "104152c5bfdca07bc633eebd46199f0255c9f49d", ""},
		{"md5", long, "data", "8e3444d69a4ae577cd7cdde57672e823", ""},
		{"md5", "", "", "74e6f7298a9c2d168935f58c001bad88", ""},
		{"sha256", "key", "data", "", `hmac algorithm "sha256" is not recognised`},
		{"MD5", "key", "data", "", `hmac algorithm "MD5" is not recognised`},
		{"xxx", "key", "data", "", `hmac algorithm "xxx" is not recognised`},
	}
	for _, tc := range tests {
		got, err := HMAC(tc.algo, tc.secret, tc.data)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("HMAC(%s) error %v, want %q", tc.algo, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("HMAC(%s,%q,%q) = %q, %v; want %q", tc.algo, tc.secret, tc.data, got, err, tc.want)
		}
	}
}

func TestPRVSHash(t *testing.T) {
	key64 := "0123456789012345678901234567890123456789012345678901234567890123"
	tests := []struct{ addr, key, keynum, day, want string }{
		{"user@example.com", "secret", "3", "789", "89a9a6"},
		{"user@example.com", "secret", "", "789", "caab73"},
		{"a@b", "", "0", "789", "e26dff"},
		{"a@b", key64, "", "789", "b228e5"},
		{"a@b", key64 + "x", "", "789", ""}, // Exim: "prvs hmac-sha1 conversion failed"
	}
	for _, tc := range tests {
		if got := PRVSHash(tc.addr, tc.key, tc.keynum, tc.day); got != tc.want {
			t.Errorf("PRVSHash(%q,%q,%q,%q) = %q, want %q", tc.addr, tc.key, tc.keynum, tc.day, got, tc.want)
		}
	}
}

func TestParsePRVS(t *testing.T) {
	tests := []struct {
		in                      string
		orig, keynum, day, hash string
		ok                      bool
	}{
		{"prvs=378989a9a6=user@example.com", "user@example.com", "3", "789", "89a9a6", true},
		{"PRVS=3345ABCDEF=user@example.com", "user@example.com", "3", "345", "ABCDEF", true},
		{"prvs=3345abcdef=us@er@example.com", "us@er@example.com", "3", "345", "abcdef", true},
		{"prvs=3345abcdef=a@b@", "a@b@", "3", "345", "abcdef", true},
		{"prvs=3345abcdef=user@example.com\n", "user@example.com", "3", "345", "abcdef", true},
		{"prvs=3345abcdef=@example.com", "", "", "", "", false},
		{"prvs=3345abcdef=user@", "", "", "", "", false},
		{"prvs=3345abcdeg=user@example.com", "", "", "", "", false},
		{"prvs=x345abcdef=user@example.com", "", "", "", "", false},
		{"prvs=3345abcdef=us\ner@example.com", "", "", "", "", false},
		{"user@example.com", "", "", "", "", false},
	}
	for _, tc := range tests {
		orig, keynum, day, hash, ok := ParsePRVS(tc.in)
		if ok != tc.ok || orig != tc.orig || keynum != tc.keynum || day != tc.day || hash != tc.hash {
			t.Errorf("ParsePRVS(%q) = %q %q %q %q %v", tc.in, orig, keynum, day, hash, ok)
		}
	}
}

func TestPRVSDays(t *testing.T) {
	now := time.Unix(1795569905, 0) // the oracle's clock: day 20782
	if got := PRVSDay(now, 7); got != "789" {
		t.Errorf("PRVSDay(+7) = %q", got)
	}
	if got := PRVSDay(now, 0); got != "782" {
		t.Errorf("PRVSDay(0) = %q", got)
	}
	valid := []struct {
		day, today string
		want       bool
	}{{"789", "782", true}, {"782", "782", true}, {"781", "782", false}, {"003", "997", true}, {"003", "004", false}}
	for _, v := range valid {
		if got := PRVSStillValid(v.day, v.today); got != v.want {
			t.Errorf("PRVSStillValid(%s,%s) = %v", v.day, v.today, got)
		}
	}
}

// Cases where Exim itself crashes (SIGFPE) or panics: we fail instead.
func TestHashDegenerate(t *testing.T) {
	if _, err := Hash("abcdef", 3, 0, true); err == nil {
		t.Error("hash_3_0 should fail")
	}
	if _, err := Hash("abcdef", -1, 0, false); err == nil {
		t.Error("hash{-1} should fail")
	}
	if _, err := NHash("abc", 0, 0, false); err == nil {
		t.Error("nhash_0 should fail")
	}
	if _, err := NHash("abc", 8, 0, true); err == nil {
		t.Error("nhash_8_0 should fail")
	}
	// ${nhash{-3}{abc}}: Exim divides by (unsigned long)-3.
	if got, _ := NHash("abc", -3, 0, false); got != "32236" {
		t.Errorf("nhash{-3} = %q", got)
	}
	// ${hash{3}{0}{ab}}: short strings come back before any division.
	if got, err := Hash("ab", 3, 0, true); got != "ab" || err != nil {
		t.Errorf("hash{3}{0}{ab} = %q %v", got, err)
	}
}

func TestPrinting(t *testing.T) {
	if got := Printing("a\tb c\x01", true, true); got != `a\tb\040c\001` {
		t.Errorf("Printing = %q", got)
	}
}

func TestIsIPAddress(t *testing.T) {
	tests := []struct {
		in         string
		mask       bool
		version    int
		maskOffset int
	}{
		{"1.2.3.4", false, 4, 0}, {"1.2.3.4/24", false, 0, 0}, {"1.2.3.4/24", true, 4, 7},
		{"::1", false, 6, 0}, {"fe80::1%eth0", false, 6, 0}, {"fe80::1%eth0/64", true, 0, 0},
		{"1.2.3.4%x", false, 0, 0}, {"01.2.3.4", false, 0, 0}, {"", false, 0, 0},
	}
	for _, tc := range tests {
		v, off := IsIPAddress(tc.in, tc.mask)
		if v != tc.version || off != tc.maskOffset {
			t.Errorf("IsIPAddress(%q,%v) = %d,%d", tc.in, tc.mask, v, off)
		}
	}
}
