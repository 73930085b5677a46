package crypteq

import (
	"errors"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// errInvalid is crypt(3) failing with EINVAL (libxcrypt returns a
// failure token then): the comparison is simply false.
var errInvalid = errors.New("invalid salt")

// ErrUnsupported is returned for hash methods Debian's libxcrypt knows
// but exigo does not implement (yescrypt, scrypt, gost-yescrypt, SunMD5,
// sha1crypt, NT); Exim would check these.
var ErrUnsupported = errors.New("unsupported crypt hash method")

// unsupportedPrefixes are libxcrypt methods exigo lacks.
var unsupportedPrefixes = []string{"$y$", "$gy$", "$7$", "$sha1$", "$md5", "$3$"}

// Crypt computes crypt(3) of key as Debian's libxcrypt does for the
// methods exigo supports: traditional DES, BSDi extended DES ("_"),
// $1$ (MD5), $5$ (SHA-256) and $6$ (SHA-512). setting may be a whole stored hash.
func Crypt(key, setting string) (string, error) {
	key = cString(key)
	if err := checkSettingChars(setting); err != nil {
		return "", err
	}
	switch {
	case strings.HasPrefix(setting, "$1$"):
		return md5Crypt(key, setting)
	case strings.HasPrefix(setting, "$5$"):
		return shaCrypt(sha256Method, key, setting)
	case strings.HasPrefix(setting, "$6$"):
		return shaCrypt(sha512Method, key, setting)
	case strings.HasPrefix(setting, "_"):
		return bsdiCrypt(key, setting)
	}
	for _, p := range unsupportedPrefixes {
		if strings.HasPrefix(setting, p) {
			return "", ErrUnsupported
		}
	}
	if strings.HasPrefix(setting, "$2") {
		return "", ErrUnsupported // bcrypt is checked, not computed: see matches
	}
	return desCrypt(key, setting)
}

// checkSettingChars refuses what libxcrypt refuses anywhere in a
// setting: bytes outside printable ASCII, and ":;*!\".
func checkSettingChars(setting string) error {
	if setting == "" {
		return errInvalid
	}
	for i := 0; i < len(setting); i++ {
		c := setting[i]
		if c <= ' ' || c > '~' || strings.IndexByte(":;*!\\", c) >= 0 {
			return errInvalid
		}
	}
	return nil
}

// cString cuts s at a NUL, as a C string would end there.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// matches is crypt(key, stored) == stored, which is how Exim checks.
func matches(key, stored string) (bool, error) {
	if isBcrypt(stored) {
		return bcryptMatches(key, stored), nil
	}
	got, err := Crypt(key, stored)
	if errors.Is(err, errInvalid) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return got == stored, nil
}

// Crypt16 is Exim's own crypt16(): crypt of the first 8 characters, and
// for longer keys crypt of the rest salted with characters 3-4 of the
// first result, the two joined into 24 characters.
func Crypt16(key, setting string) (string, error) {
	key = cString(key)
	first, err := Crypt(key, setting)
	if err != nil {
		return "", err
	}
	res := first[:min(13, len(first))]
	if len(key) <= 8 {
		return res, nil
	}
	second, err := Crypt(key[8:], res[min(2, len(res)):min(4, len(res))])
	if errors.Is(err, errInvalid) {
		return res, nil // libxcrypt's failure token adds nothing after its 2 bytes
	}
	if err != nil {
		return "", err
	}
	return res + second[2:min(13, len(second))], nil
}

// isBcrypt recognizes the bcrypt variants checked through x/crypto.
func isBcrypt(s string) bool {
	return len(s) == 60 && (strings.HasPrefix(s, "$2a$") || strings.HasPrefix(s, "$2b$") || strings.HasPrefix(s, "$2y$"))
}

func bcryptMatches(key, stored string) bool {
	return bcrypt.CompareHashAndPassword([]byte(stored), []byte(cString(key))) == nil
}
