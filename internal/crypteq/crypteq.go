// Package crypteq implements Exim's crypteq expansion condition: {md5}
// and {sha1} digests in hex or base64, and {crypt}, {crypt16} or bare
// crypt(3) hashes as Debian's libxcrypt computes them.
package crypteq

import (
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// Check is ${if crypteq{password}{encoded}}. The error is Exim's
// expansion failure for an unknown "{...}" mechanism, or ErrUnsupported
// wrapped for a crypt method exigo lacks.
func Check(password, encoded string) (bool, error) {
	password, encoded = cString(password), cString(encoded)
	lower := strings.ToLower(encoded)
	switch {
	case strings.HasPrefix(lower, "{md5}"):
		sum := md5.Sum([]byte(password))
		return digestMatches(sum[:], encoded[5:], 24, 32), nil
	case strings.HasPrefix(lower, "{sha1}"):
		sum := sha1.Sum([]byte(password))
		return digestMatches(sum[:], encoded[6:], 28, 40), nil
	case strings.HasPrefix(lower, "{crypt}"):
		return cryptMatches(password, encoded[7:], false)
	case strings.HasPrefix(lower, "{crypt16}"):
		return cryptMatches(password, encoded[9:], true)
	case strings.HasPrefix(encoded, "{"):
		return false, fmt.Errorf("unknown encryption mechanism in \"%s\"", encoded)
	}
	return cryptMatches(password, encoded, false) // Debian's DEFAULT_CRYPT is crypt
}

// digestMatches compares with a base64 (exact) or hex (any case)
// rendering, chosen by length; other lengths never match.
func digestMatches(sum []byte, coded string, b64len, hexlen int) bool {
	switch len(coded) {
	case b64len:
		return base64.StdEncoding.EncodeToString(sum) == coded
	case hexlen:
		return strings.EqualFold(hex.EncodeToString(sum), coded)
	}
	return false
}

// cryptMatches: Exim refuses stored values shorter than 2 characters
// (crypt of an empty salt would match an empty string).
func cryptMatches(password, stored string, sixteen bool) (bool, error) {
	if len(stored) < 2 {
		return false, nil
	}
	if !sixteen {
		ok, err := matches(password, stored)
		return ok, wrapCryptErr(err)
	}
	got, err := Crypt16(password, stored)
	if err == errInvalid {
		return false, nil
	}
	if err != nil {
		return false, wrapCryptErr(err)
	}
	return got == stored, nil
}

func wrapCryptErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("crypt error: %w", err)
}
