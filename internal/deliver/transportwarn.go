package deliver

import (
	"fmt"

	"exigo/internal/item"
	"exigo/internal/transport"
)

// TransportWarnFunc queues the warning message a transport asked for
// (already expanded) as a new message from <>, as Exim pipes it to
// "exim -t": the text's own headers name its recipients.
type TransportWarnFunc func(msg *transport.Message, text string) error

// transportWarning sends the warning a local delivery asked for
// (appendfile's quota warning): Exim's delivery process does it once the
// transport's results are back, before the delivery is logged, with the
// address's variables set for the expansion.
func (r *attempt) transportWarning(t transport.Transport, a *item.Address) {
	if !a.QuotaWarn {
		return
	}
	a.QuotaWarn = false
	w, ok := t.(transport.Warner)
	if !ok || w.WarnMessage() == "" || r.d.TransportWarn == nil {
		return
	}
	raw := w.WarnMessage()
	text, err := r.d.addressContext(r.h, a).Expand(raw)
	if err != nil {
		r.d.Log.Panic(r.id, fmt.Sprintf("Failed to expand \"%s\" (warning message for %s transport): %s", raw, a.Transport, err))
		return
	}
	if err := r.d.TransportWarn(r.msg, text); err != nil {
		r.d.Log.Panic(r.id, "failed to send warning message: "+err.Error())
	}
}
