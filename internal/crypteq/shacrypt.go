package crypteq

import (
	"strconv"
	"strings"

	gcrypt "github.com/GehirnInc/crypt"
	_ "github.com/GehirnInc/crypt/md5_crypt"    // registers $1$
	_ "github.com/GehirnInc/crypt/sha256_crypt" // registers $5$
	_ "github.com/GehirnInc/crypt/sha512_crypt" // registers $6$
)

type shaMethod struct {
	prefix string
	crypt  gcrypt.Crypt
}

var (
	sha256Method = shaMethod{"$5$", gcrypt.SHA256}
	sha512Method = shaMethod{"$6$", gcrypt.SHA512}
)

// shaCrypt parses "$5$" / "$6$" settings as strictly as libxcrypt (the
// library is lax: it clamps rounds and misreads salts after "rounds=")
// and hands the library a clean setting.
func shaCrypt(m shaMethod, key, setting string) (string, error) {
	rest := setting[len(m.prefix):]
	clean := m.prefix
	if r, ok := strings.CutPrefix(rest, "rounds="); ok {
		digits, after, found := strings.Cut(r, "$")
		if !found || !validRounds(digits) {
			return "", errInvalid
		}
		clean += "rounds=" + digits + "$"
		rest = after
	}
	clean += saltPart(rest, 16)
	return gcrypt.New(m.crypt).Generate([]byte(key), []byte(clean))
}

// validRounds is libxcrypt's rule: plain decimal, 1000 to 999999999.
func validRounds(s string) bool {
	if s == "" || s[0] == '0' {
		return false
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1000 && n <= 999999999
}

// saltPart is the salt: up to the next '$', at most max characters.
func saltPart(s string, max int) string {
	if i := strings.IndexByte(s, '$'); i >= 0 {
		s = s[:i]
	}
	return s[:min(len(s), max)]
}

// md5Crypt is "$1$" (FreeBSD MD5-crypt), salt up to 8 characters.
func md5Crypt(key, setting string) (string, error) {
	return gcrypt.New(gcrypt.MD5).Generate([]byte(key), []byte("$1$"+saltPart(setting[3:], 8)))
}
