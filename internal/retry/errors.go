package retry

import (
	"fmt"
	"strings"
	"syscall"

	"exigo/internal/conf"
	"exigo/internal/item"
)

// System errno values retry rules name (Linux numbers, as Exim sees them).
const (
	ETIMEDOUT    = int(syscall.ETIMEDOUT)
	ECONNREFUSED = int(syscall.ECONNREFUSED)
	ENOSPC       = int(syscall.ENOSPC)
	EDQUOT       = int(syscall.EDQUOT) // Exim's errno_quota
)

// More4xx is the MoreErrno a transport sets for a 4xx reply to MAIL,
// RCPT or DATA: the last two digits in the second byte (451 gives 51<<8).
func More4xx(code int) int { return (code - 400) << 8 }

// ParseError decodes a retry rule's error field ("timeout_connect_MX",
// "rcpt_45x", "quota_7d" ...) into the basic and extra error numbers a
// failure must carry to match, as Exim's readconf_retry_error does, names
// being compared caselessly and, like Exim, as prefixes where it does.
func ParseError(name string) (basic, more int, err error) {
	prefix, suffix, hasSuffix := strings.Cut(name, "_")
	switch {
	case strings.EqualFold(prefix, "quota"):
		return parseQuota(suffix, hasSuffix)
	case strings.EqualFold(prefix, "refused"):
		return parseRefused(suffix, hasSuffix)
	case strings.EqualFold(prefix, "timeout"):
		return parseTimeout(suffix, hasSuffix)
	case len(name) >= 6 && isCommand4(name[:6]):
		return parse4xx(name)
	case strings.EqualFold(prefix, "auth") && hasPrefixFold("failed", suffix):
		return item.ErrnoAuthFail, 0, nil
	case hasPrefixFold("lost_connection", name):
		return item.ErrnoSMTPClosed, 0, nil
	case hasPrefixFold("tls_required", name):
		return item.ErrnoTLSRequired, 0, nil
	case hasPrefixFold("lookup", name):
		return item.ErrnoUnknownHost, 0, nil
	case name == "*":
		return 0, 0, nil
	}
	return 0, 0, fmt.Errorf("unknown or malformed retry error \"%s\"", name)
}

// hasPrefixFold: s is a caseless prefix of full (Exim's strncmpic with the
// length of s), so "lost" stands for "lost_connection".
func hasPrefixFold(full, s string) bool {
	return len(s) <= len(full) && strings.EqualFold(full[:len(s)], s)
}

func parseQuota(suffix string, has bool) (int, int, error) {
	if !has {
		return item.ErrnoEximQuota, 0, nil
	}
	d, ok := conf.ParseTime(suffix)
	if !ok {
		return 0, 0, fmt.Errorf("bad time value")
	}
	return item.ErrnoEximQuota, int(d.Seconds()), nil
}

func parseRefused(suffix string, has bool) (int, int, error) {
	switch {
	case !has:
		return ECONNREFUSED, 0, nil
	case hasPrefixFold("MX", suffix):
		return ECONNREFUSED, 'M', nil
	case hasPrefixFold("A", suffix):
		return ECONNREFUSED, 'A', nil
	}
	return 0, 0, fmt.Errorf("A or MX expected after \"refused\"")
}

// timeoutExtras are the suffixes of "timeout_", tried in Exim's order.
var timeoutExtras = []struct {
	name string
	more int
}{
	{"A", 'A'}, {"MX", 'M'}, {"connect", item.RTEFConnectTimeout},
	{"connect_A", item.RTEFConnectTimeout | 'A'}, {"connect_MX", item.RTEFConnectTimeout | 'M'},
}

func parseTimeout(suffix string, has bool) (int, int, error) {
	if !has {
		return ETIMEDOUT, 0, nil
	}
	for _, x := range timeoutExtras {
		if hasPrefixFold(x.name, suffix) {
			return ETIMEDOUT, x.more, nil
		}
	}
	if hasPrefixFold("DNS", suffix) {
		// Exim logs that timeout_DNS never worked and treats it as timeout.
		return ETIMEDOUT, 0, nil
	}
	return 0, 0, fmt.Errorf("\"A\", \"MX\", or \"connect\" expected after \"timeout\"")
}

func isCommand4(s string) bool {
	return strings.EqualFold(s, "mail_4") || strings.EqualFold(s, "rcpt_4") || strings.EqualFold(s, "data_4")
}

// parse4xx reads mail_4xx, rcpt_45x, data_451: the wanted code is kept
// in the second byte as 255 (any), 100+decade, or the two digits.
func parse4xx(name string) (int, int, error) {
	bad := fmt.Errorf("%.4s_4 must be followed by xx, dx, or dd, where x is literal and d is any digit", name)
	if len(name) != 8 {
		return 0, 0, bad
	}
	x := 255
	a, b := name[6], name[7]
	switch {
	case isDigit(a) && isDigit(b):
		x = int(a-'0')*10 + int(b-'0')
	case isDigit(a) && b == 'x':
		x = int(a-'0')*10 + 100
	case a != 'x' || b != 'x':
		return 0, 0, bad
	}
	basic := item.ErrnoData4xx
	switch name[0] { // case matters here, as in Exim: "MAIL_4xx" is a DATA rule
	case 'm':
		basic = item.ErrnoMail4xx
	case 'r':
		basic = item.ErrnoRcpt4xx
	}
	return basic, x << 8, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
