package bounce

import (
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/syserr"
	"exigo/internal/transport"
)

// FreezeTell is the message Exim sends to freeze_tell when a delivery
// freezes a message (moan_tell_someone): who is told, why (info is the
// freezing's " (...)" detail, "" for none), and the addresses still to
// be delivered, deferred given in Exim's chain order.
func FreezeTell(cfg *conf.Config, ctx *expand.Context, msg *transport.Message, deferred []*item.Address, info string, now time.Time) *Notice {
	bd := newBuilder(cfg, ctx, msg, now)
	bd.write("Auto-Submitted: auto-replied\n")
	bd.from()
	bd.printf("To: %s\n", cfg.String("freeze_tell"))
	bd.write(references(bd.h.Headers))
	bd.write("Subject: Message frozen\n\n")
	bd.printf("Message %s has been frozen%s.\nThe sender is <%s>.\n", msg.ID, info, bd.h.Sender)
	if len(deferred) > 0 {
		bd.write("\nThe following address(es) have yet to be delivered:\n")
		for _, a := range deferred {
			bd.printf("  %s", a.Address)
			if a.Parent != nil {
				bd.printf(" <%s>", a.Parent.Address)
			}
			if a.BasicErrno > 0 {
				bd.printf(": %s", syserr.Number(a.BasicErrno))
			}
			if a.Message != "" {
				bd.printf(": %s", a.Message)
			}
			bd.write("\n")
		}
	}
	return bd.finish()
}
