package smtp

import (
	"exigo/internal/expand"
)

// overlay puts the transport's own variables ($host, $host_address,
// $host_port, $sending_ip_address ...) in front of the delivery's.
type overlay struct {
	vals map[string]string
	base expand.Vars
}

func (o *overlay) Var(name string) (string, bool, bool) {
	if v, ok := o.vals[name]; ok {
		return v, false, true
	}
	if o.base == nil {
		return "", false, false
	}
	return o.base.Var(name)
}

// withVars returns a copy of ctx (a fresh one when nil) that sees vals.
func withVars(ctx *expand.Context, vals map[string]string) *expand.Context {
	c := &expand.Context{}
	if ctx != nil {
		*c = *ctx
	}
	c.Vars = &overlay{vals: vals, base: c.Vars}
	return c
}
