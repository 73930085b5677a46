package transport

import (
	"strconv"

	"exigo/internal/conf"
	"exigo/internal/eximlog"
	"exigo/internal/expand"
)

func init() { conf.MarkImplemented(conf.KindTransport, "", "event_action") }

// Events raises Exim's events (manual chapter "Events") during one
// message's delivery: the main section's event_action for msg:complete
// and msg:fail:internal, a transport's own for the others.
type Events struct {
	Main  string // the main event_action; "" when unset
	Log   *eximlog.Logger
	MsgID string
	// Bind readies an event's expansion context for ${acl {name}}: the
	// ACL sees the expansion's variables ($event_name ...) and its
	// logwrite lines carry the message id. nil leaves ctx as it is.
	Bind func(ctx *expand.Context, msgID string) *expand.Context
}

// Event is one event: its name ("msg:delivery"), $event_data and
// $event_defer_errno.
type Event struct {
	Name       string
	Data       string
	DeferErrno int
}

// Raise expands action for ev with ctx's variables, vars and the
// event's own. where names the transport ("main" for the main option)
// in the log line of a failed expansion. A non-empty result is returned:
// some events take it as a veto (tcp:connect, smtp:connect).
func (e *Events) Raise(ctx *expand.Context, action, where string, ev Event, vars map[string]Var) string {
	if e == nil || action == "" {
		return ""
	}
	all := map[string]Var{
		"event_name":        {Value: ev.Name},
		"event_data":        {Value: ev.Data},
		"event_defer_errno": {Value: strconv.Itoa(ev.DeferErrno)},
	}
	for k, v := range vars {
		all[k] = v
	}
	c := WithVars(ctx, all)
	if e.Bind != nil {
		c = e.Bind(c, e.MsgID)
	}
	out, err := c.Expand(action)
	if err != nil {
		if !expand.IsForcedFail(err) && e.Log != nil {
			line := "failed to expand event_action " + ev.Name + " in " + where + ": " + err.Error()
			e.Log.Main(e.MsgID, line)
			e.Log.Panic(e.MsgID, line)
		}
		return ""
	}
	return out
}

// Transport raises ev with transport d's event_action, if it has one.
func (e *Events) Transport(d *conf.Driver, ctx *expand.Context, ev Event, vars map[string]Var) string {
	if e == nil || d == nil || !d.IsSet("event_action") {
		return ""
	}
	return e.Raise(ctx, d.String("event_action"), d.Name, ev, vars)
}

// MainAction raises ev with the main section's event_action.
func (e *Events) MainAction(ctx *expand.Context, ev Event, vars map[string]Var) string {
	if e == nil {
		return ""
	}
	return e.Raise(ctx, e.Main, "main", ev, vars)
}
