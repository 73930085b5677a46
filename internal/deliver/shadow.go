package deliver

import (
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/syserr"
	"exigo/internal/transport"
)

// runShadow is Exim's shadow transport: after a local transport ran, a
// copy of each address it delivered goes to the transport named by
// shadow_transport when shadow_condition allows. The copy's outcome
// changes nothing but the " ST=" item of the original's => line. The
// shadow's own shadow_transport is not looked at (one level only).
func (r *attempt) runShadow(env *transport.Env, batch []*item.Address) {
	tc := r.d.Config.Transport(batch[0].Transport)
	if tc == nil || !tc.IsSet("shadow_transport") || !r.shadowCondition(env.Ctx, tc.Name, tc.String("shadow_condition"), tc.IsSet("shadow_condition")) {
		return
	}
	name := tc.String("shadow_transport")
	st := r.d.Transports[name]
	if st == nil {
		msg := "shadow transport \"" + name + "\" not found "
		r.d.Log.Main(r.id, msg)
		r.d.Log.Panic(r.id, msg)
		return
	}
	for _, a := range batch {
		if a.Result != item.OK {
			continue
		}
		c := shadowCopy(a, name)
		r.deliverLocal(st, env, c)
		a.ShadowMessage = shadowMessage(name, c)
	}
}

// shadowCondition is Exim's expand_check_condition for shadow_condition:
// unset passes; a forced failure fails quietly; another expansion
// failure is logged (main and panic logs) and fails.
func (r *attempt) shadowCondition(ctx *expand.Context, tname, cond string, set bool) bool {
	if !set {
		return true
	}
	v, err := ctx.Expand(cond)
	if err != nil {
		if !expand.IsForcedFail(err) {
			msg := "failed to expand condition \"" + cond + "\" for " + tname + " transport: " + err.Error()
			r.d.Log.Main(r.id, msg)
			r.d.Log.Panic(r.id, msg)
		}
		return false
	}
	return v != "" && v != "0" && !strings.EqualFold(v, "no") && !strings.EqualFold(v, "false")
}

// shadowCopy is the address as given to the shadow transport: the same
// address, a fresh outcome.
func shadowCopy(a *item.Address, transportName string) *item.Address {
	c := *a
	c.Transport = transportName
	c.Result, c.Message, c.UserMessage = item.Defer, "", ""
	c.BasicErrno, c.MoreErrno, c.Panic = 0, 0, false
	return &c
}

// shadowMessage is what Exim appends to the delivery line: " ST=name",
// with the shadow's error in parentheses when it did not deliver.
func shadowMessage(name string, c *item.Address) string {
	if c.Result == item.OK {
		return " ST=" + name
	}
	var b strings.Builder
	if c.BasicErrno > 0 {
		b.WriteString(syserr.Number(c.BasicErrno))
		if c.Message != "" {
			b.WriteString(": ")
		}
	}
	switch {
	case c.Message != "":
		b.WriteString(c.Message)
	case c.BasicErrno <= 0:
		b.WriteString("unknown error")
	}
	return " ST=" + name + " (" + b.String() + ")"
}

func init() {
	conf.MarkImplemented(conf.KindTransport, "", "shadow_transport", "shadow_condition")
}
