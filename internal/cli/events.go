package cli

import (
	"exigo/internal/acl"
	"exigo/internal/conf"
	"exigo/internal/eximlog"
	"exigo/internal/expand"
)

// eventBind readies an event_action expansion for ${acl {name}}: the
// ACL runs with the expansion's own variables ($event_name, $domain ...)
// behind the ones it sets, and its logwrite lines go to the main log
// with the message id, as Exim's do during a delivery.
func eventBind(cfg *conf.Config, lg *eximlog.Logger) func(*expand.Context, string) *expand.Context {
	return func(ctx *expand.Context, msgID string) *expand.Context {
		state := acl.NewState()
		c := &expand.Context{Vars: stateVars{state: state, base: ctx.Vars}, Headers: ctx.Headers,
			Lists: ctx.Lists, Environ: ctx.Environ, Log: ctx.Log, Debug: ctx.Debug, ACL: ctx.ACL}
		env := &acl.Env{Config: cfg, Ctx: c, State: state, Log: messageACLLog{lg, msgID}}
		c.RunACL = env.ExpansionRunner()
		return c
	}
}

// messageACLLog writes an ACL's log lines for one message.
type messageACLLog struct {
	lg *eximlog.Logger
	id string
}

func (l messageACLLog) Main(t string)   { l.lg.Main(l.id, t) }
func (l messageACLLog) Reject(t string) { l.lg.Reject(l.id, t, nil) }
func (l messageACLLog) Panic(t string)  { l.lg.Panic(l.id, t) }
