package bounce

import (
	"exigo/internal/item"
	"exigo/internal/spool"
)

// dsnNotifyAny is Exim's rf_dsnflags: some NOTIFY= was given.
const dsnNotifyAny = spool.DSNNotifyNever | spool.DSNNotifySuccess | spool.DSNNotifyFailure | spool.DSNNotifyDelay

// Ignored reports whether a failed address is reported to nobody, and
// the line Exim logs for it then: errors_to "" (IgnoreError), a bounce
// (null sender) failing without an errors address, or NOTIFY= without
// FAILURE.
func Ignored(a *item.Address, sender string) (bool, string) {
	ignore := a.IgnoreError || sender == "" && a.ErrorsTo == ""
	dsn := !ignore && a.DSNFlags&dsnNotifyAny != 0 && a.DSNFlags&spool.DSNNotifyFailure == 0
	if !ignore && !dsn {
		return false, ""
	}
	line := a.Address
	if a.Parent != nil {
		line += " <" + a.Parent.Address + ">"
	}
	line += ": error ignored"
	if dsn {
		line += ": RFC 3461 DSN, failure notify not requested"
	}
	return true, line
}

// bounceRecipient is where an address's failure goes.
func bounceRecipient(a *item.Address, sender string) string {
	if a.ErrorsTo != "" {
		return a.ErrorsTo
	}
	return sender
}
