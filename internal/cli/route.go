package cli

import (
	"exigo/internal/conf"
	"exigo/internal/deliver"
	"exigo/internal/eximlog"
	"exigo/internal/item"
	"exigo/internal/router"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// routeFunc routes addresses through the configuration's routers.
func routeFunc(cfg *conf.Config) deliver.RouteFunc {
	return func(env *router.Env, a *item.Address) (item.Result, []*item.Address) {
		return routeAddress(cfg, env, a)
	}
}

// bounceFunc sends failure reports (none yet: logged).
func bounceFunc(cfg *conf.Config, sp *spool.Spool, lg *eximlog.Logger) deliver.BounceFunc {
	return func(msg *transport.Message, failed []*item.Address) error {
		return errNoBounce
	}
}

// deferFunc records deferrals for the retry rules (none yet: kept).
func deferFunc(cfg *conf.Config, sp *spool.Spool, lg *eximlog.Logger) deliver.DeferFunc {
	return func(msg *transport.Message, deferred []*item.Address) []*item.Address { return nil }
}

var errNoBounce = errorString("failure reports are not generated yet")

type errorString string

func (e errorString) Error() string { return string(e) }

// routeAddress runs the router chain; a configuration error the chain
// finds (Exim dies of those) defers the address, so nothing is lost.
func routeAddress(cfg *conf.Config, env *router.Env, a *item.Address) (item.Result, []*item.Address) {
	res, kids, err := router.Route(env, a)
	if err != nil {
		a.Message = err.Error()
		return item.Defer, nil
	}
	return res, kids
}
