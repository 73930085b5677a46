package router

import (
	"exigo/internal/conf"
	"exigo/internal/item"
)

// acceptRouter is Exim's accept router: every address that reaches it
// goes to its transport.
type acceptRouter struct{}

func init() {
	Register("accept", func(*conf.Driver) (Driver, error) { return acceptRouter{}, nil })
}

func (acceptRouter) Route(env *Env, r *conf.Driver, a *item.Address) (item.Result, []*item.Address) {
	if !env.setErrorsAndHeaders(r, a) {
		return item.Defer, nil
	}
	return env.toTransport(r, a)
}

// toTransport sets the router's transport on a and queues it (the end of
// accept, dnslookup and manualroute).
func (e *Env) toTransport(r *conf.Driver, a *item.Address) (item.Result, []*item.Address) {
	t, ok := e.transportFor(r.String("transport"), a, r, "")
	if !ok {
		return item.Defer, nil
	}
	return e.queue(r, a, t)
}

// queue puts a on transport t (which may be nil when verifying).
func (e *Env) queue(r *conf.Driver, a *item.Address, t *conf.Driver) (item.Result, []*item.Address) {
	a.Transport = ""
	if t != nil {
		a.Transport = t.Name
	}
	if !e.queueAdd(r, a, t) {
		a.Transport = "" // not queued after all
		return item.Defer, nil
	}
	return item.OK, nil
}
