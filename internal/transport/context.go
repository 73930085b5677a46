package transport

import (
	"exigo/internal/expand"
	"exigo/internal/item"
)

// Var is a variable a transport sets for its own expansions.
type Var struct {
	Value   string
	Tainted bool
	Unset   bool // hide the base context's value ("" and not found)
}

// varsOverlay puts a transport's variables in front of a context's.
type varsOverlay struct {
	base expand.Vars
	vars map[string]Var
}

func (o *varsOverlay) Var(name string) (string, bool, bool) {
	if v, ok := o.vars[name]; ok {
		if v.Unset {
			return "", false, false
		}
		return v.Value, v.Tainted, true
	}
	if o.base == nil {
		return "", false, false
	}
	return o.base.Var(name)
}

// WithVars returns a copy of ctx whose expansions see vars first. The
// copy shares nothing that expansions change with ctx.
func WithVars(ctx *expand.Context, vars map[string]Var) *expand.Context {
	c := &expand.Context{}
	if ctx != nil {
		c.Vars, c.Headers, c.Lists, c.Environ, c.Log = ctx.Vars, ctx.Headers, ctx.Lists, ctx.Environ, ctx.Log
		c.Debug, c.DebugASCII = ctx.Debug, ctx.DebugASCII
		if ctx.ACL != nil {
			c.ACL = make(map[string]string, len(ctx.ACL))
			for k, v := range ctx.ACL {
				c.ACL[k] = v
			}
		}
	}
	c.Vars = &varsOverlay{base: c.Vars, vars: vars}
	return c
}

// BatchVars are the variables Exim sets for a batch of addresses (its
// deliver_set_expansions): with more than one address the local part
// variables are unset, and $domain is kept only when all share it.
// $address_file and $address_pipe come from a generated file or pipe.
func BatchVars(addrs []*item.Address) map[string]Var {
	vars := map[string]Var{}
	if len(addrs) == 0 {
		return vars
	}
	a := addrs[0]
	if a.File != "" {
		vars["address_file"] = Var{Value: a.File}
	}
	if a.Pipe != "" {
		vars["address_pipe"] = Var{Value: a.Pipe}
	}
	if len(addrs) == 1 {
		return vars
	}
	for _, n := range []string{"local_part", "local_part_prefix", "local_part_suffix",
		"local_part_prefix_v", "local_part_suffix_v", "original_local_part", "parent_local_part"} {
		vars[n] = Var{Unset: true}
	}
	for _, b := range addrs[1:] {
		if b.Domain != a.Domain {
			vars["domain"] = Var{Unset: true}
			break
		}
	}
	return vars
}
