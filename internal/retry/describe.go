package retry

import (
	"fmt"
	"strings"
	"time"

	"exigo/internal/conf"
	"exigo/internal/item"
)

// Describe is the line "exim -brt" prints for a rule, including its
// quirks: the error is named only for quota, refused, timeout and
// auth_failed rules ("*" otherwise), and an H rule's factor is not shown.
func (r *Rule) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Retry rule: %s  %s  ", r.Pattern, r.errorName())
	for _, p := range r.Params {
		fmt.Fprintf(&b, "%c,%s,%s", p.Algorithm, conf.FormatTime(p.Cutoff), conf.FormatTime(p.Interval))
		if p.Algorithm == 'G' {
			b.WriteString("," + factor(p.Factor))
		}
		b.WriteString("; ")
	}
	return b.String()
}

// factor prints thousandths as Exim does: "2.0", "1.25", "1.05".
func factor(x int64) string {
	s := fmt.Sprintf("%d.", x/1000)
	f, d := x%1000, int64(100)
	for {
		s += fmt.Sprint(f / d)
		f %= d
		d /= 10
		if f == 0 {
			return s
		}
	}
}

func (r *Rule) errorName() string {
	more := r.MoreErrno
	switch r.BasicErrno {
	case item.ErrnoEximQuota:
		if more > 0 {
			return "quota_" + conf.FormatTime(time.Duration(more)*time.Second)
		}
		return "quota"
	case ECONNREFUSED:
		return "refused" + letterSuffix(more)
	case ETIMEDOUT:
		s := "timeout"
		if more&item.RTEFConnectTimeout != 0 {
			s += "_connect"
		}
		return s + letterSuffix(more&0xff)
	case item.ErrnoAuthFail:
		return "auth_failed"
	}
	return "*"
}

func letterSuffix(more int) string {
	switch more {
	case 'A':
		return "_A"
	case 'M':
		return "_MX"
	}
	return ""
}
