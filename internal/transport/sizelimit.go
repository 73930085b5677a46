package transport

import (
	"fmt"
	"math"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
)

// CheckSizeLimit applies a transport's message_size_limit before its
// delivery, as Exim's check_message_size: a message bigger than the
// expanded limit fails the address; a limit that does not expand, or is
// not a number, defers it. size is $message_size. It returns OK when the
// delivery may go on.
func CheckSizeLimit(ctx *expand.Context, d *conf.Driver, size int64, a *item.Address) item.Result {
	if !d.IsSet("message_size_limit") {
		return item.OK
	}
	if ctx == nil {
		ctx = &expand.Context{}
	}
	s, err := ctx.Expand(d.String("message_size_limit"))
	if err != nil {
		a.Result = item.Defer
		a.Message = fmt.Sprintf("failed to expand message_size_limit in %s transport: %s", d.Name, err.Error())
		return item.Defer
	}
	limit, msg := sizeValue(s)
	if msg != "" {
		a.Result = item.Defer
		a.Message = fmt.Sprintf("invalid message_size_limit in %s transport: %s", d.Name, msg)
		return item.Defer
	}
	if limit > 0 && size > limit {
		a.Result = item.Fail
		a.Message = fmt.Sprintf("message is too big (transport limit = %d)", limit)
		return item.Fail
	}
	return item.OK
}

// sizeValue reads an expanded integer as Exim's expanded_string_integer
// with a K, M or G suffix; msg is Exim's complaint when it is not one.
func sizeValue(s string) (int64, string) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if t == "" {
		return 0, ""
	}
	i := 0
	if t[0] == '+' || t[0] == '-' {
		i++
	}
	start := i
	var v int64
	overflow := false
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		if v > (math.MaxInt64-int64(t[i]-'0'))/10 {
			overflow = true
		}
		v = v*10 + int64(t[i]-'0')
		i++
	}
	if i == start {
		return 0, fmt.Sprintf("integer expected but \"%s\" found", t)
	}
	if t[0] == '-' {
		return 0, fmt.Sprintf("non-negative integer expected but \"%s\" found", t)
	}
	if i < len(t) {
		mult := map[byte]int64{'k': 1 << 10, 'm': 1 << 20, 'g': 1 << 30}[t[i]|0x20]
		if mult != 0 {
			if v > math.MaxInt64/mult || v < math.MinInt64/mult {
				overflow = true
			}
			v *= mult
			i++
		}
	}
	if overflow {
		return 0, fmt.Sprintf("absolute value of integer \"%s\" is too large (overflow)", t)
	}
	if strings.TrimLeft(t[i:], " \t\n\v\f\r") != "" {
		return 0, fmt.Sprintf("invalid integer \"%s\"", t)
	}
	return v, ""
}
