package bounce

import (
	"strconv"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/spool"
)

// overlay puts a few variables in front of the caller's.
type overlay struct {
	base expand.Vars
	vals map[string]string
}

func (o overlay) Var(name string) (string, bool, bool) {
	if v, ok := o.vals[name]; ok {
		return v, false, true
	}
	if o.base != nil {
		return o.base.Var(name)
	}
	return "", false, false
}

// withVars copies ctx (a zero one when nil) with vals added; fallback
// variables are used only when ctx has none of its own.
func withVars(ctx *expand.Context, fallback, vals map[string]string) *expand.Context {
	var c expand.Context
	if ctx != nil {
		c = *ctx
	}
	all := map[string]string{}
	if c.Vars == nil {
		for k, v := range fallback {
			all[k] = v
		}
	}
	for k, v := range vals {
		all[k] = v
	}
	c.Vars = overlay{base: c.Vars, vals: all}
	return &c
}

// baseVars are what a template needs when the caller gives no context:
// the configuration's variables and the message's envelope.
func baseVars(cfg *conf.Config, h *spool.Header) map[string]string {
	vals := map[string]string{
		"sender_address":   h.Sender,
		"message_exim_id":  h.ID,
		"message_id":       h.ID,
		"message_size":     strconv.FormatInt(h.Size(), 10),
		"primary_hostname": cfg.PrimaryHostname(),
	}
	for _, n := range []string{"qualify_domain", "qualify_recipient", "bounce_return_size_limit", "smtp_active_hostname"} {
		if v, ok := cfg.Var(n); ok {
			vals[n] = v
		}
	}
	return vals
}

// messageContext is ctx, or one made from the configuration and the
// message when the caller has none.
func messageContext(ctx *expand.Context, cfg *conf.Config, h *spool.Header) *expand.Context {
	c := withVars(ctx, baseVars(cfg, h), nil)
	if c.Headers == nil {
		c.Headers = spool.HeaderLines(h.Headers)
	}
	return c
}
