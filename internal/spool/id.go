// Package spool keeps messages on disk in Exim 4.96's spool format: the
// input/ directory with <id>-D (body) and <id>-H (envelope and headers)
// files, msglog/, and the -bp queue listings.
package spool

import (
	"time"
)

// IDLength is the length of an Exim 4.96 message id: tttttt-pppppp-ff.
const IDLength = 16

const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// The id's last field is the time's microseconds divided by 5000, plus
// 200 times localhost_number when that is set. (The manual says 1/2000 s
// units without localhost_number; Exim 4.96 as built by Debian uses 1/200 s
// in both cases, as measured.)
const (
	resolution  = 5000 // microseconds per tick
	ticksPerSec = 1000000 / resolution
)

// MaxLocalhostNumber is the largest localhost_number Exim accepts with
// base 62 ids.
const MaxLocalhostNumber = 16

// base62 writes the last len(dst) base-62 digits of v into dst, as
// Exim's string_base62 does (higher digits are dropped).
func base62(dst []byte, v int64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = base62Digits[v%62]
		v /= 62
	}
}

func base62Value(s string) (int64, bool) {
	var v int64
	for i := 0; i < len(s); i++ {
		d := digitValue(s[i])
		if d < 0 {
			return 0, false
		}
		v = v*62 + int64(d)
	}
	return v, true
}

func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 36
	}
	return -1
}

// NewID makes the message id Exim 4.96 gives a message received at now by
// process pid. localhostNumber is -1 when localhost_number is unset.
func NewID(now time.Time, pid int, localhostNumber int) string {
	return formatID(now.Unix(), int64(pid), fraction(now, localhostNumber))
}

// fraction is the id's last field.
func fraction(now time.Time, localhostNumber int) int64 {
	usec := int64(now.Nanosecond() / 1000)
	return int64(max(localhostNumber, 0))*ticksPerSec + usec/resolution
}

func formatID(sec, pid, frac int64) string {
	var b [IDLength]byte
	base62(b[0:6], sec)
	b[6] = '-'
	base62(b[7:13], pid)
	b[13] = '-'
	base62(b[14:16], frac)
	return string(b[:])
}

// ValidID reports whether s has the form of an Exim 4.96 message id: two
// groups of six and one of two ASCII letters or digits, joined by hyphens.
func ValidID(s string) bool {
	if len(s) != IDLength || s[6] != '-' || s[13] != '-' {
		return false
	}
	for i := 0; i < IDLength; i++ {
		if i != 6 && i != 13 && digitValue(s[i]) < 0 {
			return false
		}
	}
	return true
}

// IDTime is the arrival time an id records, to 1/200 s; the host number
// in the fraction is a multiple of 200 and drops out.
func IDTime(id string) time.Time {
	if !ValidID(id) {
		return time.Time{}
	}
	sec, _ := base62Value(id[0:6])
	frac, _ := base62Value(id[14:16])
	return time.Unix(sec, (frac%ticksPerSec)*resolution*1000)
}
