package deliver

import (
	"strconv"

	"exigo/internal/item"
	"exigo/internal/transport"
)

// events is the attempt's event raiser: the main event_action, and the
// hook that lets ${acl} in event expansions see the event's variables.
func (r *attempt) events() *transport.Events {
	if r.ev == nil {
		r.ev = &transport.Events{Main: r.d.Config.String("event_action"), Log: r.d.Log,
			MsgID: r.id, Bind: r.d.EventBind}
	}
	return r.ev
}

// msgEvent is Exim's msg_event_raise: an address's event goes to its
// transport's event_action with $domain, $local_part, $router_name and
// the host used set. An address that failed with no transport (routing,
// :fail:) raises msg:fail:internal with the main event_action instead.
func (r *attempt) msgEvent(name string, a *item.Address) {
	vars := map[string]transport.Var{
		"router_name": {Value: a.Router}, "transport_name": {Value: a.Transport},
		"host": {}, "host_address": {},
	}
	if h := a.HostUsed; h != nil {
		vars["host"], vars["host_address"] = transport.Var{Value: h.Name}, transport.Var{Value: h.Address}
		if name == "msg:delivery" && h.Port != 0 {
			vars["host_port"] = transport.Var{Value: strconv.Itoa(h.Port)}
		}
	}
	ctx := r.d.addressContext(r.h, a)
	tc := r.d.Config.Transport(a.Transport)
	if a.Transport == "" || tc == nil {
		if name == "msg:fail:delivery" {
			vars["transport_name"] = transport.Var{}
			r.events().MainAction(ctx, transport.Event{Name: "msg:fail:internal", Data: failText(a)}, vars)
		}
		return
	}
	data := ""
	if a.HostUsed != nil || tc.Driver == "smtp" || tc.Driver == "lmtp" || tc.Driver == "autoreply" {
		data = a.Message
		if name == "msg:delivery" {
			data = a.Confirmation
			if data == "" {
				data = a.SMTPConfirmation
			}
		}
	}
	r.events().Transport(tc, ctx, transport.Event{Name: name, Data: data}, vars)
}

// failText is an address's failure as the ** line gives it.
func failText(a *item.Address) string {
	if a.Message == "" {
		return "Unrouteable address"
	}
	return a.Message
}

// completeEvent raises msg:complete, after the Completed line.
func (r *attempt) completeEvent() {
	r.events().MainAction(r.d.messageContext(r.h), transport.Event{Name: "msg:complete"}, nil)
}
