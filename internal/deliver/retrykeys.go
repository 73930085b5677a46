package deliver

import (
	"exigo/internal/item"
	"exigo/internal/retry"
	"exigo/internal/router"
	"exigo/internal/transport"
)

// Routing and local deliveries keep retry records as Exim's deliver.c
// does: a routing deferral writes "R:domain" (or "R:local_part@domain"
// with the router's retry_use_local_part), a local delivery's deferral
// "T:local_part@domain" (or "T:domain" without the transport's). In a
// queue run that is not forced, an address whose record's retry time
// has not come is deferred without being routed or delivered.

// Exim's texts for those deferrals.
const (
	routingNotReached = "retry time not reached"
	localNotReached   = "Retry time not yet reached"
)

// retryData is the attempt's retry checker, read once (nil without one).
func (r *attempt) retryData() *retry.Checker {
	if !r.retryRead {
		r.retryRead = true
		if r.d.RetryCheck != nil {
			r.retry = r.d.RetryCheck(r.h, r.opt)
		}
	}
	return r.retry
}

// routingDue reports whether a may be routed now; if not, it is
// deferred ("routing defer (-52): retry time not reached").
func (r *attempt) routingDue(a *item.Address) bool {
	c := r.retryData()
	if c == nil {
		return true
	}
	d := c.Routing(a.Domain, retry.DomainKey(a.Domain), retry.AddressKey(a.LocalPart, a.Domain))
	if d.Due {
		return true
	}
	a.Result, a.BasicErrno, a.Message = item.Defer, item.ErrnoRRetry, routingNotReached
	r.deferAddress(a)
	return false
}

// noteRoutingDefer gives a router's deferral its retry key.
func (r *attempt) noteRoutingDefer(a *item.Address) {
	if a.RetryKey != "" || a.BasicErrno <= item.ErrnoRetryBase {
		return
	}
	if drv := r.d.Config.Router(a.Router); drv != nil && router.RetryUseLocalPart(drv) {
		a.RetryKey = retry.AddressKey(a.LocalPart, a.Domain)
	} else {
		a.RetryKey = retry.DomainKey(a.Domain)
	}
}

// localKeys are the records a local delivery of a looks at: the
// domain's and the address's.
func localKeys(a *item.Address) (domainKey, addressKey string) {
	return retry.LocalKey(retry.DomainKey(a.Domain)), retry.LocalKey(retry.AddressKey(a.LocalPart, a.Domain))
}

// localDue reports whether a's local delivery is made now; if not, a is
// deferred ("Retry time not yet reached").
func (r *attempt) localDue(env *transport.Env, a *item.Address) bool {
	c := env.Retry
	if c == nil {
		return true
	}
	dk, ak := localKeys(a)
	if c.Local(a.Domain, dk).Due && c.Local(a.Domain, ak).Due {
		return true
	}
	a.Result, a.BasicErrno, a.Message = item.Defer, item.ErrnoLRetry, localNotReached
	return false
}

// noteLocalDefer gives a local delivery's deferral its retry key.
func (r *attempt) noteLocalDefer(a *item.Address) {
	if a.Result != item.Defer || a.RetryKey != "" || a.BasicErrno <= item.ErrnoRetryBase {
		return
	}
	dk, ak := localKeys(a)
	a.RetryKey = ak
	if t := r.d.Config.Transport(a.Transport); t != nil && !t.Bool("retry_use_local_part") {
		a.RetryKey = dk
	}
}
