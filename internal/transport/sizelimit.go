package transport

import (
	"fmt"

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
	limit, err := expand.StringInteger(s, true)
	if err != nil {
		a.Result = item.Defer
		a.Message = fmt.Sprintf("invalid message_size_limit in %s transport: %s", d.Name, err)
		return item.Defer
	}
	if limit > 0 && size > limit {
		a.Result = item.Fail
		a.Message = fmt.Sprintf("message is too big (transport limit = %d)", limit)
		return item.Fail
	}
	return item.OK
}
