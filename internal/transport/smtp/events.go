package smtp

import (
	"strconv"

	"exigo/internal/item"
	"exigo/internal/syserr"
	"exigo/internal/transport"
)

// event raises a connection event (tcp:connect, smtp:connect, smtp:ehlo,
// tcp:close) with the transport's event_action: the batch's variables
// and the host's are set, $router_name is not (as in Exim, where these
// run inside the transport). It returns the expansion when not empty.
func (d *delivery) event(name, data string) string {
	return d.env.Events.Transport(d.t.driver, d.ctx, transport.Event{Name: name, Data: data},
		map[string]transport.Var{"router_name": {}, "transport_name": {Value: d.t.name}})
}

// addressEvent is Exim's deferred_event_raise and msg_event_raise from
// the transport: one address's event with its domain, local part,
// router and the host.
func (d *delivery) addressEvent(name string, a *item.Address, h item.Host, data string, errno int) {
	port := h.Port
	if port == 0 {
		port = 25
	}
	vars := map[string]transport.Var{
		"router_name": {Value: a.Router}, "transport_name": {Value: d.t.name},
		"domain": {Value: a.Domain}, "local_part": {Value: a.LocalPart},
		"host": {Value: h.Name}, "host_address": {Value: h.Address},
		"host_port": {Value: strconv.Itoa(port)},
	}
	d.env.Events.Transport(d.t.driver, d.ctx, transport.Event{Name: name, Data: data, DeferErrno: errno}, vars)
}

// hostDeferred raises msg:host:defer for a host attempt that ended in a
// host error, and msg:defer when it was the last host to try; the data
// is the error with its system error text.
func (d *delivery) hostDeferred(h *host, a *item.Address, hasNext bool) {
	if d.env.Events == nil {
		return
	}
	data := a.Message
	switch {
	case data != "" && a.BasicErrno > 0:
		data += ": " + syserr.Number(a.BasicErrno)
	case data == "" && a.BasicErrno > 0:
		data = syserr.Number(a.BasicErrno)
	}
	d.addressEvent("msg:host:defer", a, h.Host, data, a.BasicErrno)
	if !hasNext {
		d.addressEvent("msg:defer", a, h.Host, data, a.BasicErrno)
	}
}
