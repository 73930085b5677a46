package bounce

import (
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// Delivered is a delivered address and how its next hop handled DSN.
type Delivered struct {
	*item.Address
	// RemoteDSN: the host it went to took DSN requests on (it reports
	// the success itself); NonDSNHost: it went to a host that does not
	// support DSN.
	RemoteDSN, NonDSNHost bool
}

// SuccessDue: the sender asked for NOTIFY=SUCCESS and nobody further on
// will report it.
func SuccessDue(d Delivered) bool {
	return (!d.RemoteDSN || d.DSNFlags&spool.DSNLastHop != 0) && d.DSNFlags&spool.DSNNotifySuccess != 0
}

// Success builds the success report for the delivered addresses that
// call for one (SuccessDue), in Exim's chain order; nil when none does.
func Success(cfg *conf.Config, ctx *expand.Context, msg *transport.Message, delivered []Delivered, now time.Time) (*Notice, error) {
	var due []Delivered
	for _, d := range delivered {
		if SuccessDue(d) {
			due = append([]Delivered{d}, due...) // Exim prepends as it goes
		}
	}
	if len(due) == 0 {
		return nil, nil
	}
	bd := newBuilder(cfg, ctx, msg, now)
	to := msg.Header.Sender
	bd.n.Recipients = []string{to}
	bound := bd.boundary()
	if r := cfg.String("errors_reply_to"); r != "" {
		bd.printf("Reply-To: %s\n", r)
	}
	bd.from()
	bd.printf("Auto-Submitted: auto-generated\nTo: %s\nSubject: Delivery Status Notification\n", to)
	bd.write(references(bd.h.Headers))
	bd.printf("Content-Type: multipart/report; report-type=delivery-status; boundary=%s\nMIME-Version: 1.0\n\n", bound)
	bd.printf("--%s\nContent-type: text/plain; charset=us-ascii\n\n", bound)
	bd.write("This message was created automatically by mail delivery software.\n" +
		" ----- The following addresses had successful delivery notifications -----\n")
	for _, d := range due {
		how := "via non \"Remote SMTP\" router"
		switch {
		case d.DSNFlags&spool.DSNLastHop != 0:
			how = "via non DSN router"
		case d.NonDSNHost:
			how = "to non-DSN-aware mailer"
		}
		bd.printf("<%s> (relayed %s)\n\n", d.Address.Address, how)
	}
	bd.printf("--%s\nContent-type: message/delivery-status\n\nReporting-MTA: dns; %s\n", bound, bd.reportingMTA())
	bd.envelopeID()
	bd.write("\n")
	for _, d := range due {
		bd.dsnAction(d.Address, "delivered", "2.0.0")
		switch {
		case d.HostUsed != nil && d.HostUsed.Name != "":
			bd.printf("Remote-MTA: dns; %s\nDiagnostic-Code: smtp; 250 Ok\n\n", d.HostUsed.Name)
		case d.DSNFlags&spool.DSNLastHop != 0:
			bd.write("Diagnostic-Code: X-Exim; relayed via non DSN router\n\n")
		default:
			bd.write("Diagnostic-Code: X-Exim; relayed via non SMTP router\n\n")
		}
	}
	if err := bd.headersPart(bound); err != nil {
		return nil, err
	}
	return bd.finish(), nil
}
