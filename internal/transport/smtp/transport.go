// Package smtp is Exim's smtp transport (manual chapter "The smtp
// transport"; transports/smtp.c): it delivers a batch of addresses that
// share a host list over SMTP, trying the hosts in order, with EHLO and
// HELO, PIPELINING, SIZE, DSN, CHUNKING, STARTTLS and AUTH, and records
// on each address what happened in the terms the delivery process, the
// retry rules and the bounce generator need (Exim's basic_errno,
// more_errno, message, host_used and the DSN extra information).
//
// Connections are reused for later messages to the same host when the
// delivery process puts a transport.Conns in the Env (see Conns).
package smtp

import (
	"sync"

	"exigo/internal/auth"
	"exigo/internal/conf"
	"exigo/internal/item"
	"exigo/internal/transport"
)

func init() {
	transport.Register("smtp", New)
}

// Transport is one configured smtp transport.
type Transport struct {
	name   string
	driver *conf.Driver
	opt    *options

	authOnce sync.Once
	auths    []*auth.Instance
	authErr  error
}

// New builds the transport from its configuration.
func New(d *conf.Driver) (transport.Transport, error) {
	if err := transport.CheckGeneric(d); err != nil {
		return nil, err
	}
	o, err := readOptions(d)
	if err != nil {
		return nil, err
	}
	return &Transport{name: d.Name, driver: d, opt: o}, nil
}

// Local is false: the smtp transport is remote.
func (t *Transport) Local() bool { return false }

// Deliver delivers msg to addrs, which share a host list, and sets each
// address's Result and details.
func (t *Transport) Deliver(env *transport.Env, msg *transport.Message, addrs []*item.Address) {
	if len(addrs) == 0 {
		return
	}
	d := newDelivery(t, env, msg, addrs)
	if d == nil {
		return // settled by the generic checks (message_size_limit, return_path)
	}
	d.run()
	d.finish()
}

// authenticators are the configuration's authenticators, built once.
func (t *Transport) authenticators(cfg *conf.Config) ([]*auth.Instance, error) {
	t.authOnce.Do(func() {
		if cfg != nil {
			t.auths, t.authErr = auth.Build(cfg)
		}
	})
	return t.auths, t.authErr
}
