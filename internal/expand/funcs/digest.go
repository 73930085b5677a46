package funcs

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"strings"
)

// Digest returns the hex digest for an operator name as written in the
// expansion: md5 (lower-case hex), sha1, sha256, sha2, sha2_256/384/512,
// sha256_384/512 (Exim treats sha256 as sha2), sha3, sha3_224/256/384/512
// (upper-case hex). As in Exim, an argument after md5_ or sha1_ is ignored.
// Exim 4.96 has no separate sha512 operator ("unknown expansion operator").
func Digest(name, s string) (string, error) {
	op, arg, hasArg := strings.Cut(name, "_")
	switch op {
	case "md5":
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:]), nil
	case "sha1":
		sum := sha1.Sum([]byte(s))
		return upperHex(sum[:]), nil
	case "sha2", "sha256":
		h := sha2Variant(arg, hasArg)
		if h == nil {
			return "", failf("unrecognised sha2 variant")
		}
		return digestHex(h, s), nil
	case "sha3":
		h := sha3Variant(arg, hasArg)
		if h == nil {
			return "", failf("unrecognised sha3 variant")
		}
		return digestHex(h, s), nil
	}
	return "", failf("unknown expansion operator \"%s\"", name)
}

func sha2Variant(arg string, hasArg bool) hash.Hash {
	switch {
	case !hasArg || arg == "256":
		return sha256.New()
	case arg == "384":
		return sha512.New384()
	case arg == "512":
		return sha512.New()
	}
	return nil
}

func sha3Variant(arg string, hasArg bool) hash.Hash {
	switch {
	case !hasArg || arg == "256":
		return sha3.New256()
	case arg == "224":
		return sha3.New224()
	case arg == "384":
		return sha3.New384()
	case arg == "512":
		return sha3.New512()
	}
	return nil
}

func digestHex(h hash.Hash, s string) string {
	h.Write([]byte(s))
	return upperHex(h.Sum(nil))
}

func upperHex(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

// HMAC is ${hmac{md5|sha1}{secret}{string}}, in lower-case hex.
func HMAC(algo, secret, data string) (string, error) {
	var newHash func() hash.Hash
	switch algo {
	case "md5":
		newHash = md5.New
	case "sha1":
		newHash = sha1.New
	default:
		return "", failf("hmac algorithm \"%s\" is not recognised", algo)
	}
	m := hmac.New(newHash, []byte(secret))
	m.Write([]byte(data))
	return hex.EncodeToString(m.Sum(nil)), nil
}
