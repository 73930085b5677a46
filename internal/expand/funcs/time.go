package funcs

import (
	"math"
	"strconv"
	"strings"
)

// TimeEval is ${time_eval:1d2h} -> seconds.
func TimeEval(s string) (string, error) {
	n := ReadTime(s)
	if n < 0 {
		return "", failf("string \"%s\" is not an Exim time interval in \"time_eval\" operator", s)
	}
	return strconv.Itoa(int(n)), nil
}

// ReadTime is Exim's readconf_readtime() for whole seconds: one or more
// <number><unit> with units w d h m s, nothing else. It returns -1 for a
// malformed string. The arithmetic is Exim's 32-bit int, so huge values
// wrap (and a negative result means failure, as in Exim).
func ReadTime(s string) int32 {
	var total int32
	for {
		if s == "" || !isDigit(s[0]) {
			return -1
		}
		var value int32
		value, s = scanInt32(s)
		if s == "" {
			return -1
		}
		switch s[0] {
		case 'w':
			value *= 7 * 24 * 60 * 60
		case 'd':
			value *= 24 * 60 * 60
		case 'h':
			value *= 60 * 60
		case 'm':
			value *= 60
		case 's':
		default:
			return -1
		}
		s = s[1:]
		total += value
		if s == "" {
			return total
		}
	}
}

// scanInt32 is sscanf("%d") on a string starting with a digit: glibc reads
// a long (saturating) and stores its low 32 bits.
func scanInt32(s string) (int32, string) {
	var n int64
	i := 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		d := int64(s[i] - '0')
		if n > (math.MaxInt64-d)/10 {
			n = math.MaxInt64
		} else {
			n = n*10 + d
		}
	}
	return int32(n), s[i:]
}

// TimeInterval is ${time_interval:3600} -> "1h". The number is read into a
// 32-bit int as Exim does, so values from 2^31 up wrap to negative ones.
func TimeInterval(s string) (string, error) {
	var n int32
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return "", failf("string \"%s\" is not a positive number in \"time_interval\" operator", s)
		}
		n = n*10 + int32(s[i]-'0')
	}
	return PrintTime(n), nil
}

// PrintTime is Exim's readconf_printtime(): 1w2d3h4m5s, units with a zero
// value left out, "0s" for zero, a leading "-" for negative values.
func PrintTime(t int32) string {
	if t == math.MinInt32 {
		return "-5d3h14m8s" // what Exim's compiled code prints for -2^31
	}
	var b strings.Builder
	if t < 0 {
		b.WriteByte('-')
		t = -t
	}
	s, m, h := t%60, t/60%60, t/3600%24
	d, w := t/86400%7, t/604800
	for _, u := range []struct {
		v    int32
		unit byte
	}{{w, 'w'}, {d, 'd'}, {h, 'h'}, {m, 'm'}} {
		if u.v > 0 {
			b.WriteString(strconv.Itoa(int(u.v)))
			b.WriteByte(u.unit)
		}
	}
	if s > 0 || b.Len() == 0 {
		b.WriteString(strconv.Itoa(int(s)) + "s")
	}
	return b.String()
}
