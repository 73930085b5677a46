package router

import (
	"fmt"
	"io"

	"exigo/internal/conf"
	"exigo/internal/dnsx"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/registry"
)

// Env is what routing an address needs.
type Env struct {
	Config *conf.Config
	// Ctx is the base expansion context (message variables when there is
	// a message); routers add $local_part, $domain and friends on top.
	// Inside a driver's Route it is the router's own context, with those
	// variables set.
	Ctx      *expand.Context
	Resolver *dnsx.Resolver
	// Verify is routing for address verification (-bv, ACL verify):
	// verify_only routers run, no_verify ones are skipped.
	Verify    bool
	Recipient bool // verifying a recipient (not a sender)
	// Expn is routing for SMTP EXPN (routers with no_expn are skipped).
	Expn bool
	// Test is -bt: address testing.
	Test bool
	// Log receives main log lines ("=> :blackhole: <a> R=r", routing
	// errors); nil drops them. PanicLog receives the lines Exim writes
	// to both the main and the panic log; nil sends them to Log.
	Log      func(line string)
	PanicLog func(line string)
	// DebugPrint receives the routers' debug_print lines (Exim prints
	// them when debugging, which -bt does); nil drops them.
	DebugPrint io.Writer
	// Users looks up local users and groups; nil means the system's.
	Users Users
	// LocalIPs are the addresses of this host's interfaces, for finding
	// itself in host lists; nil means ask the operating system.
	LocalIPs []string

	// rs is the state of the router running now (see chain.go).
	rs *routeState
}

// Driver is one router driver's routing step, called once the generic
// preconditions of its instance have passed. It returns the result and,
// for Rerouted, the new addresses.
type Driver interface {
	Route(env *Env, r *conf.Driver, a *item.Address) (item.Result, []*item.Address)
}

// Factory builds a driver for one configured router instance.
type Factory func(r *conf.Driver) (Driver, error)

var driverTable registry.Registry[Factory]

// Register adds a router driver ("accept", "redirect", ...).
func Register(driver string, f Factory) { driverTable.Register(driver, f) }

// Drivers lists the registered driver names.
func Drivers() []string { return driverTable.Names() }

// NewDriver builds the driver of one router instance.
func NewDriver(r *conf.Driver) (Driver, error) {
	f, ok := driverTable.Get(r.Driver)
	if !ok {
		return nil, fmt.Errorf("router %s: driver %q is not available in this build", r.Name, r.Driver)
	}
	return f(r)
}
