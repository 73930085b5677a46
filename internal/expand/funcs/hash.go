package funcs

import "strconv"

// hashCodes is Exim's alphabet for ${hash}; note that Exim's table has
// "t" and "s" swapped, which changes results, so it is kept as is.
const hashCodes = "abcdefghijklmnopqrtsuvwxyz" +
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" +
	"0123456789"

// nhashPrimes weights the characters of ${nhash}; index 0 is never used
// because Exim's loop wraps from 1 back to the top.
var nhashPrimes = [...]uint64{
	2, 3, 5, 7, 11, 13, 17, 19, 23, 29,
	31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
	73, 79, 83, 89, 97, 101, 103, 107, 109, 113}

// Hash is ${hash_n_m:s} / ${hash{n}{m}{s}} (m defaults to 26 when hasM is false).
// A string no longer than n is returned unchanged.
func Hash(s string, n, m int, hasM bool) (string, error) {
	if !hasM || m < 0 {
		m = 26
	} else if m > len(hashCodes) {
		return "", failf("hash count \"%d\" too big", m)
	}
	if n < 0 {
		// Exim dies with a panic here; we fail the expansion instead.
		return "", failf("internal error in string_catn (count %d)", n)
	}
	if n >= len(s) {
		return s, nil
	}
	if n == 0 {
		return "", nil
	}
	if m == 0 {
		// Exim divides by zero (SIGFPE); we fail the expansion instead.
		return "", failf("hash count \"0\" too small")
	}
	out := []byte(s[:n])
	i := 0
	for j := n; j < len(s); j++ {
		c := uint(s[j])
		shift := (c + uint(j)) & 7
		out[i] ^= byte(c<<shift | c>>(8-shift))
		if i++; i >= n {
			i = 0
		}
	}
	for k := range out {
		out[k] = hashCodes[int(out[k])%m]
	}
	return string(out), nil
}

// NHash is ${nhash_n:s} and ${nhash_n_m:s}: a number below n, or "a/b"
// with a below n and b below m.
func NHash(s string, n, m int, hasM bool) (string, error) {
	var total uint64
	i := 0
	for k := 0; k < len(s); k++ {
		if i == 0 {
			i = len(nhashPrimes) - 1
		}
		total += nhashPrimes[i] * uint64(s[k])
		i--
	}
	// Exim converts its int arguments to unsigned long, so negative
	// values become huge divisors; mimic that.
	if !hasM || m < 0 {
		div := uint64(int64(int32(n)))
		if div == 0 {
			return "", failf("nhash divisor is zero")
		}
		return strconv.FormatUint(total%div, 10), nil
	}
	div := uint64(int64(int32(n) * int32(m)))
	if div == 0 {
		return "", failf("nhash divisor is zero")
	}
	total %= div
	dm := uint64(int64(int32(m)))
	return strconv.FormatUint(total/dm, 10) + "/" + strconv.FormatUint(total%dm, 10), nil
}

// Length is ${length_n:s}: the first n bytes, or all of s.
func Length(s string, n int) string { return Substr(s, 0, n, true) }

// Substr is ${substr_m_n:s}: length bytes from start; a negative start
// counts from the end. Without a length it takes everything after start
// (or, for a negative start, everything before it).
func Substr(s string, start, length int, hasLength bool) string {
	if !hasLength || length < 0 {
		length = -1
	}
	size := len(s)
	if start < 0 {
		start += size
		if start < 0 {
			length += start
			if length < 0 {
				length = 0
			}
			start = 0
		} else if length < 0 {
			length = start
			start = 0
		}
	} else {
		if start > size {
			start, length = size, 0
		} else if length < 0 {
			length = size
		}
	}
	if length > size-start {
		length = size - start
	}
	return s[start : start+length]
}
