package transport

import (
	"fmt"

	"exigo/internal/conf"
	"exigo/internal/expand"
)

func init() { conf.MarkImplemented(conf.KindTransport, "", "max_parallel") }

// MaxParallel expands the generic max_parallel option for a batch (Exim's
// expand_string_integer with no negative values): 0 means no limit. A
// failed expansion or a value that is not a number gives msg, Exim's
// panic-log text for it.
func MaxParallel(ctx *expand.Context, d *conf.Driver, address string) (limit int, msg string) {
	if !d.IsSet("max_parallel") {
		return 0, ""
	}
	if ctx == nil {
		ctx = &expand.Context{}
	}
	s, err := ctx.Expand(d.String("max_parallel"))
	if err == nil {
		var v int64
		if v, err = expand.StringInteger(s, true); err == nil {
			return int(min(v, 1<<30)), ""
		}
	}
	return 0, fmt.Sprintf("Failed to expand max_parallel option in %s transport (%s): %s", d.Name, address, err)
}
