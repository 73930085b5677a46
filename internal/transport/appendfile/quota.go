package appendfile

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/regex"
)

// quotas are the expanded quota settings of one delivery (Exim's
// appendfile_transport_setup). Sizes of -1 are unknown.
type quotas struct {
	quota            int64
	filecount        int64
	threshold        int64
	thresholdPercent bool
	mailboxSize      int64
	mailboxCount     int64
	// disabled: the delivery is into a folder the quota does not cover
	// (maildir_quota_directory_regex, with maildir_use_size_file).
	disabled bool
}

// thresholdCheck: a warning threshold applies (Exim's THRESHOLD_CHECK).
func (q *quotas) thresholdCheck() bool {
	return q.threshold > 0 && (!q.thresholdPercent || q.quota > 0)
}

// setup expands quota, quota_filecount, quota_warn_threshold,
// mailbox_size and mailbox_filecount, in that order.
func (x *delivery) setup() bool {
	q, o := &x.q, x.o
	for _, f := range []struct {
		s         string
		to        *int64
		unset     int64
		threshold bool
	}{
		{o.quota, &q.quota, 0, false},
		{o.quotaFilecount, &q.filecount, 0, false},
		{o.quotaWarnThreshold, &q.threshold, 0, true},
		{o.mailboxSize, &q.mailboxSize, -1, false},
		{o.mailboxCount, &q.mailboxCount, -1, false},
	} {
		*f.to = f.unset
		if f.s == "" {
			continue
		}
		v, ok := x.quotaValue(f.s, f.threshold)
		if !ok {
			return false
		}
		*f.to = int64(v)
	}
	return true
}

// quotaValue reads one setting: a number (C's strtod) with an optional
// K, M or G, or for the threshold a percentage of the quota.
func (x *delivery) quotaValue(s string, threshold bool) (float64, bool) {
	name := x.t.d.Name
	e, err := x.dv.Ctx.Expand(s)
	if err != nil {
		r := item.Fail
		if expand.IsDefer(err) {
			r = item.Defer
		}
		setResult(x.a, r, 0, "Expansion of \"%s\" in %s transport failed: %s", s, name, err)
		return 0, false
	}
	d, rest := strtod(e)
	if rest != "" {
		switch rest[0] | 0x20 {
		case 'k':
			d, rest = d*1024, rest[1:]
		case 'm':
			d, rest = d*1024*1024, rest[1:]
		case 'g':
			d, rest = d*1024*1024*1024, rest[1:]
		default:
			if rest[0] == '%' && threshold {
				if x.q.quota <= 0 {
					d = 0
				} else if int(d) < 0 || int(d) > 100 {
					setResult(x.a, item.Fail, 0, "Invalid quota_warn_threshold percentage (%d) for %s transport", int(d), name)
					return 0, false
				}
				x.q.thresholdPercent = true
				rest = rest[1:]
			}
		}
	}
	if strings.TrimLeft(rest, " \t\n\v\f\r") != "" {
		setResult(x.a, item.Fail, 0, "Malformed value \"%s\" (expansion of \"%s\") in %s transport", e, s, name)
		return 0, false
	}
	return d, true
}

// strtod reads a leading decimal number as C's strtod does (white
// space, sign, digits, fraction, exponent) and returns the rest.
func strtod(s string) (float64, string) {
	i := 0
	for i < len(s) && strings.IndexByte(" \t\n\v\f\r", s[i]) >= 0 {
		i++
	}
	start := i
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return 0, s
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			i = j
		}
	}
	v, _ := strconv.ParseFloat(s[start:i], 64)
	return v, s[i:]
}

// dirSize adds up the sizes of the regular files under dir and counts
// its entries (Exim's check_dir_size). A name the size regex matches
// gives its size through the first group instead of stat().
func dirSize(dir string, count *int64, re *regex.Regexp) int64 {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var sum int64
	for _, e := range entries {
		*count++
		if re != nil {
			if m := re.FindStringSubmatch(e.Name()); len(m) >= 2 {
				if n, rest := strtod(m[1]); rest == "" {
					sum += int64(n)
					continue
				}
			}
		}
		p := filepath.Join(dir, e.Name())
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		if st.Mode().IsRegular() {
			sum += st.Size()
		} else if st.IsDir() {
			sum += dirSize(p, count, re)
		}
	}
	return sum
}

// overQuota applies quota and quota_filecount before writing; the
// message counts when quota_is_inclusive. filecount says which.
func (x *delivery) overQuota(size int64) (over bool, filecount bool) {
	q := &x.q
	if q.quota <= 0 {
		return false, false
	}
	inc, one := int64(0), int64(0)
	if x.o.quotaInclusive {
		inc, one = size, 1
	}
	if q.mailboxSize+inc > q.quota {
		return true, false
	}
	if q.filecount > 0 && q.mailboxCount+one > q.filecount {
		return true, true
	}
	return false, false
}

// crossedThreshold: this message took the mailbox over the warning
// threshold, so the delivery process is to send the warning.
func (x *delivery) crossedThreshold(written int64) bool {
	q := &x.q
	if !q.thresholdCheck() {
		return false
	}
	t := q.threshold
	if q.thresholdPercent {
		t = int64(float64(q.quota) * float64(t) / 100)
	}
	return q.mailboxSize <= t && q.mailboxSize+written > t
}
