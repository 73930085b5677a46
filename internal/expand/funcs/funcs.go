// Package funcs holds the pure string functions behind the expansion
// operators (hashing, encodings, arithmetic, times, IP addresses, quoting).
// They follow Exim 4.96's results and error texts exactly; the expand
// engine only parses and dispatches.
//
// CONTRACT: the signatures below are used by package expand. Bodies that
// still return errNotYet are being written.
package funcs

import "errors"

var errNotYet = errors.New("not implemented yet")

// Hash is ${hash_n_m:s} / ${hash{n}{m}{s}} (m defaults to 26 when hasM is false).
func Hash(s string, n, m int, hasM bool) (string, error) { return "", errNotYet }

// NHash is ${nhash_n:s} and ${nhash_n_m:s}.
func NHash(s string, n, m int, hasM bool) (string, error) { return "", errNotYet }

// Length is ${length_n:s}; Substr is ${substr_m_n:s} (negative start counts from the end).
func Length(s string, n int) string                             { return "" }
func Substr(s string, start, length int, hasLength bool) string { return "" }

// Eval is ${eval:} (decimal=false) and ${eval10:} (decimal=true).
// Errors carry Exim's message text, e.g. "expecting closing parenthesis".
func Eval(expr string, decimal bool) (string, error) { return "", errNotYet }

// Digest returns the hex digest for name in md5, sha1, sha256, sha3 (sha3 / sha3_224..512), sha512, with Exim's letter case.
func Digest(name, s string) (string, error) { return "", errNotYet }

// HMAC is ${hmac{md5|sha1}{secret}{string}}.
func HMAC(algo, secret, data string) (string, error) { return "", errNotYet }

func Base62(s string) (string, error)       { return "", errNotYet } // ${base62:} of a decimal number
func Base62Decode(s string) (string, error) { return "", errNotYet } // ${base62d:}
func Base64(s string) string                { return "" }
func Base64Decode(s string) (string, error) { return "", errNotYet }
func Str2B64(s string) string               { return "" }
func Hex2B64(s string) (string, error)      { return "", errNotYet }

func Quote(s string) string      { return "" } // ${quote:}
func RxQuote(s string) string    { return "" } // ${rxquote:}
func Escape(s string) string     { return "" } // ${escape:} (string_printing)
func Escape8bit(s string) string { return "" } // ${escape8bit:}
func UTF8Clean(s string) string  { return "" } // ${utf8clean:}
func FromUTF8(s string) string   { return "" } // ${from_utf8:} (to ISO-8859-1, '_' for others)

func Mask(s string) (string, error)       { return "", errNotYet } // ${mask:ip/bits}
func IPv6Norm(s string) (string, error)   { return "", errNotYet }
func IPv6Denorm(s string) (string, error) { return "", errNotYet }
func ReverseIP(s string) (string, error)  { return "", errNotYet }

// TimeEval is ${time_eval:1d2h} -> seconds; TimeInterval is ${time_interval:3600} -> "1h".
func TimeEval(s string) (string, error)     { return "", errNotYet }
func TimeInterval(s string) (string, error) { return "", errNotYet }

// PRVS support for ${prvs} and ${prvscheck}: the BATV tag for address with
// key and keynum on the given day number (3 digits, days since epoch mod 1000).
func PRVSHash(address, key, keynum, day string) string { return "" }

// ParsePRVS splits "prvs=KDDDHHHHHH=local@domain" (either tag order).
func ParsePRVS(addr string) (original, keynum, day, hash string, ok bool) { return }
