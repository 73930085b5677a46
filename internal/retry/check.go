package retry

import (
	"time"

	"exigo/internal/hints"
)

// Checker answers "may this be tried now?" before routing and delivery,
// from the records earlier attempts left.
type Checker struct {
	Rules     *Rules
	DB        *hints.DB // nil: no retry data, everything may be tried
	Now       time.Time
	Received  time.Time // when the message arrived
	Sender    string
	MessageID string
	// QueueRun: this delivery is part of a queue run (retry times are
	// only respected then); Force: -M, -qf (they are ignored).
	QueueRun, Force bool
	// Continued: the message goes down an existing SMTP connection.
	Continued bool
}

// record reads key, ignoring data older than retry_data_expire.
func (c *Checker) record(key string) *Record {
	if c.DB == nil {
		return nil
	}
	r, ok, err := c.DB.Get(key)
	if err != nil || !ok {
		return nil
	}
	rec, err := Decode(r.Data)
	if err != nil || c.Now.Sub(rec.Stamp) > c.Rules.DataExpire {
		return nil
	}
	return rec
}

// UltimateTimeout reports whether the message has been on the queue
// longer than the last cutoff of the rule for key (with its "T:"/"R:"
// tag) and the record's error; with no rule it has.
func (c *Checker) UltimateTimeout(key, domain string, rec *Record) bool {
	rule := c.Rules.Find(Query{Key: key[min(2, len(key)):], Alternate: domain,
		BasicErrno: rec.BasicErrno, MoreErrno: rec.MoreErrno, Sender: c.Sender})
	if rule == nil || len(rule.Params) == 0 {
		return true
	}
	return c.Now.Sub(c.Received) > rule.Last().Cutoff
}

// HostStatus is what the retry data says about one host (IP address).
type HostStatus int

const (
	HostUsable HostStatus = iota
	HostUnusable
	HostUnusableExpired // unusable, and past its last cutoff
)

// HostCheck is the answer for a host (Exim's retry_check_address).
type HostCheck struct {
	Status HostStatus
	// Expired: usable because its retry time came, but past its cutoff.
	Expired bool
	// LastTry is when an unusable host was last tried.
	LastTry time.Time
	// HostKey and MessageKey are set when records were read for them: a
	// delivery that works must delete them.
	HostKey, MessageKey string
}

// Host checks a host before a remote delivery: the host record, then the
// message's record for the host. hostKey is HostKey(...) for it.
func (c *Checker) Host(domain, hostKey string) HostCheck {
	var out HostCheck
	msgKey := MessageKey(hostKey, c.MessageID)
	hrec, mrec := c.record(hostKey), c.record(msgKey)
	if hrec != nil {
		out.HostKey = hostKey
		if c.Now.Before(hrec.NextTry) && !c.Force {
			if !hrec.Expired && c.UltimateTimeout(hostKey, domain, hrec) {
				return out // on the queue too long: try it anyway
			}
			out.Status, out.LastTry = HostUnusable, hrec.LastTry
			if hrec.Expired {
				out.Status = HostUnusableExpired
			}
			return out
		}
		out.Expired = hrec.Expired
	}
	if mrec != nil {
		out.MessageKey = msgKey
		if c.Now.Before(mrec.NextTry) && !c.Force {
			if !c.UltimateTimeout(hostKey, domain, mrec) {
				out.Status = HostUnusable
			}
			out.Expired = false
		}
	}
	return out
}

// Deferral is a "not now" outcome: Reason is logged with the deferral
// ("retry time not reached"), Text is the error the record holds, which
// delay warnings show.
type Deferral struct {
	Due    bool // go ahead
	Reason string
	Text   string
}

// Reasons for a deferral.
const (
	NotReached  = "retry time not reached"
	ReusingConn = "reusing SMTP connection skips previous routing defer"
)

// Routing decides whether an address is routed now (deliver.c's check
// before routing): domainKey and addressKey are DomainKey and AddressKey
// for it. Outside queue runs everything is routed, except down a
// continued connection when the domain has a record at all.
func (c *Checker) Routing(domain, domainKey, addressKey string) Deferral {
	if !c.Continued && !(c.QueueRun && !c.Force) {
		return Deferral{Due: true} // no records read: most deliveries
	}
	drec := c.record(domainKey)
	arec := c.record(addressKey)
	if arec == nil {
		arec = c.record(SenderKey(addressKey, c.Sender))
	}
	if c.Continued && drec != nil {
		return Deferral{Reason: ReusingConn, Text: drec.Text}
	}
	if !(c.QueueRun && !c.Force || c.Continued) {
		return Deferral{Due: true}
	}
	waiting := drec != nil && c.Now.Before(drec.NextTry) && !drec.Expired ||
		arec != nil && c.Now.Before(arec.NextTry)
	if !waiting || drec == nil && arec != nil && c.UltimateTimeout(addressKey, domain, arec) {
		return Deferral{Due: true}
	}
	if drec != nil {
		return Deferral{Reason: NotReached, Text: drec.Text}
	}
	return Deferral{Reason: NotReached, Text: arec.Text}
}

// Local decides whether a local delivery is made now: in a queue run
// (not forced) only once its record's retry time has come, it has
// expired, or the message is older than the last cutoff.
func (c *Checker) Local(domain, key string) Deferral {
	if !c.QueueRun || c.Force {
		return Deferral{Due: true}
	}
	rec := c.record(key)
	if rec == nil {
		return Deferral{Due: true}
	}
	if !c.Now.Before(rec.NextTry) || rec.Expired || c.UltimateTimeout(key, domain, rec) {
		return Deferral{Due: true}
	}
	return Deferral{Reason: NotReached, Text: rec.Text}
}
