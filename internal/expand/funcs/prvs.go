package funcs

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// PRVSHash is the BATV tag for ${prvs} and ${prvscheck}: the first three
// bytes, in lower-case hex, of HMAC-SHA1 over keynum (one character, "0"
// when empty), the three-digit day and the address, keyed with key.
// It returns "" when the key is longer than 64 bytes, where Exim fails
// with "prvs hmac-sha1 conversion failed".
func PRVSHash(address, key, keynum, day string) string {
	if len(key) > 64 {
		return ""
	}
	if keynum == "" {
		keynum = "0"
	}
	m := hmac.New(sha1.New, []byte(key))
	m.Write([]byte(keynum[:1] + day + address))
	return hex.EncodeToString(m.Sum(nil)[:3])
}

// PRVSDay is the day stamp: the last three digits of the number of days
// since the epoch, offset by offsetDays (Exim signs with 7, checks with 0).
func PRVSDay(now time.Time, offsetDays int) string {
	days := strconv.FormatInt((now.Unix()+int64(offsetDays)*86400)/86400, 10)
	if len(days) < 3 {
		return "100"
	}
	return days[len(days)-3:]
}

// PRVSStillValid reports whether a tag with expiry day stamp day is valid
// on the day stamp today, allowing for the wrap from 999 to 000.
func PRVSStillValid(day, today string) bool {
	expire, err1 := strconv.ParseUint(day, 10, 32)
	now, err2 := strconv.ParseUint(today, 10, 32)
	if err1 != nil || err2 != nil {
		return false
	}
	if expire < 7 && now >= 993 {
		now = 0
	}
	return expire >= now
}

// ParsePRVS splits "prvs=KDDDHHHHHH=local@domain" (case-insensitive) as
// Exim's ${prvscheck} does; original is local@domain, split at the last
// "@" that leaves both sides non-empty. The hash is returned as written.
func ParsePRVS(addr string) (original, keynum, day, hash string, ok bool) {
	addr = strings.TrimSuffix(addr, "\n") // PCRE's $ allows a final newline
	if len(addr) < 16 || !strings.EqualFold(addr[:5], "prvs=") || addr[15] != '=' {
		return "", "", "", "", false
	}
	tag, rest := addr[5:15], addr[16:]
	for i := 0; i < 4; i++ {
		if !isDigit(tag[i]) {
			return "", "", "", "", false
		}
	}
	for i := 4; i < 10; i++ {
		if !isXDigit(tag[i]) {
			return "", "", "", "", false
		}
	}
	at := strings.LastIndexByte(rest[:max(len(rest)-1, 0)], '@')
	if at < 1 || strings.IndexByte(rest, '\n') >= 0 {
		return "", "", "", "", false
	}
	return rest, tag[:1], tag[1:4], tag[4:], true
}
