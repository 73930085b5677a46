package bounce

import (
	"time"

	"exigo/internal/conf"
	"exigo/internal/spool"
)

// Thaw is what becomes of a frozen message at a delivery attempt.
type Thaw int

const (
	StayFrozen Thaw = iota // no delivery: "Message is frozen"
	// TimedOut: timeout_frozen_after has passed; every recipient fails
	// ("cancelled by timeout_frozen_after"), a bounce just goes.
	TimedOut
	// ErrmsgTimer: a bounce older than ignore_bounce_errors_after is
	// tried again and its failures are then ignored.
	ErrmsgTimer
	AutoThaw   // auto_thaw time reached
	ForcedThaw // an administrator's forced delivery (-Mf style)
	NotFrozen  // the message is not frozen
)

// LogLine is the main log line the decision is logged with ("" none).
func (t Thaw) LogLine() string {
	return [...]string{"Message is frozen", "cancelled by timeout_frozen_after",
		"Unfrozen by errmsg timer", "Unfrozen by auto-thaw", "Unfrozen by forced delivery", ""}[t]
}

// FrozenOptions are the delivery's circumstances.
type FrozenOptions struct {
	Forced    bool // -M and the like
	ForceThaw bool // the forced delivery also thaws (-Mt style)
	Admin     bool // by an admin user
	Continued bool // down an existing connection: never thaws
}

// Frozen decides for a frozen message, as deliver_message does before
// any routing: timeout_frozen_after first, then the bounce timer, then
// auto_thaw or a forced thaw.
func Frozen(cfg *conf.Config, h *spool.Header, now time.Time, o FrozenOptions) Thaw {
	if !h.Frozen {
		return NotFrozen
	}
	age := now.Sub(h.Received)
	if t := cfg.Time("timeout_frozen_after"); t > 0 && age >= t {
		return TimedOut
	}
	if h.Sender == "" && age >= cfg.Time("ignore_bounce_errors_after") {
		return ErrmsgTimer
	}
	auto := cfg.Time("auto_thaw")
	autoDue := h.Sender != "" && auto > 0 && now.After(h.FrozenAt.Add(auto))
	if !autoDue && !(o.Forced && o.ForceThaw && o.Admin && !o.Continued) {
		return StayFrozen
	}
	if o.Forced {
		return ForcedThaw
	}
	return AutoThaw
}

// IgnoreBounceErrors: a bounce (null sender) old enough that its failures
// are discarded rather than frozen (ignore_bounce_errors_after).
func IgnoreBounceErrors(cfg *conf.Config, h *spool.Header, now time.Time) bool {
	return h.Sender == "" && now.Sub(h.Received) >= cfg.Time("ignore_bounce_errors_after")
}
