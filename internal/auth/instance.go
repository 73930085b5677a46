package auth

import (
	"fmt"
	"sync"

	"exigo/internal/conf"
)

// Setting is an option's unexpanded text and whether the configuration
// sets it: Exim treats an unset condition and an empty one differently.
type Setting struct {
	Text string
	Set  bool
}

func setting(d *conf.Driver, name string) Setting {
	return Setting{Text: d.String(name), Set: d.IsSet(name)}
}

// Instance is one entry of "begin authenticators".
type Instance struct {
	Name       string
	Driver     string
	PublicName string // public_name, else the instance name, as configured (not upper-cased)

	AdvertiseCondition Setting // server_advertise_condition
	ServerCondition    Setting // server_condition
	SetID              Setting // server_set_id
	MailAuthCondition  Setting // server_mail_auth_condition (the MAIL command's business)
	DebugPrint         Setting // server_debug_print (for -d output only)
	ClientCondition    Setting // client_condition (the smtp transport's business)
	ClientSetID        Setting // client_set_id

	Server Server // nil: not configured as a server
	Client Client // nil: not configured as a client

	// Implemented is false for a driver exigo does not have yet: such an
	// instance has neither side, so it is never advertised or used.
	Implemented bool

	topBitChars bool // print_topbitchars, for the printable set id
}

// NewServerFunc makes a driver's server side from its configuration; a
// nil Server with a nil error means the options do not make it a server.
type NewServerFunc func(d *conf.Driver) (Server, error)

// NewClientFunc is the same for the client side.
type NewClientFunc func(d *conf.Driver) (Client, error)

var registry = struct {
	sync.RWMutex
	servers map[string]NewServerFunc
	clients map[string]NewClientFunc
}{servers: map[string]NewServerFunc{}, clients: map[string]NewClientFunc{}}

// Register makes a driver's server side known (call it from init).
func Register(driver string, newServer NewServerFunc) {
	registry.Lock()
	defer registry.Unlock()
	registry.servers[driver] = newServer
}

// RegisterClient makes a driver's client side known (call it from init).
func RegisterClient(driver string, newClient NewClientFunc) {
	registry.Lock()
	defer registry.Unlock()
	registry.clients[driver] = newClient
}

func factories(driver string) (NewServerFunc, NewClientFunc) {
	registry.RLock()
	defer registry.RUnlock()
	return registry.servers[driver], registry.clients[driver]
}

// Build makes the instances of the configuration's authenticators, in
// order, and makes Exim's check that no two servers (or two clients)
// share a public name.
func Build(cfg *conf.Config) ([]*Instance, error) {
	var out []*Instance
	for _, d := range cfg.Authenticators {
		inst, err := newInstance(d, cfg.Bool("print_topbitchars"))
		if err != nil {
			return nil, err
		}
		out = append(out, inst)
	}
	if err := checkPublicNames(out); err != nil {
		return nil, err
	}
	return out, nil
}

func newInstance(d *conf.Driver, topBit bool) (*Instance, error) {
	inst := &Instance{
		Name: d.Name, Driver: d.Driver, PublicName: d.Name,
		AdvertiseCondition: setting(d, "server_advertise_condition"),
		ServerCondition:    setting(d, "server_condition"),
		SetID:              setting(d, "server_set_id"),
		MailAuthCondition:  setting(d, "server_mail_auth_condition"),
		DebugPrint:         setting(d, "server_debug_print"),
		ClientCondition:    setting(d, "client_condition"),
		ClientSetID:        setting(d, "client_set_id"),
		topBitChars:        topBit,
	}
	// Every Exim driver's init defaults the public name to the instance name.
	if d.IsSet("public_name") {
		inst.PublicName = d.String("public_name")
	}
	newServer, newClient := factories(d.Driver)
	inst.Implemented = newServer != nil || newClient != nil
	var err error
	if newServer != nil {
		if inst.Server, err = newServer(d); err != nil {
			return nil, err
		}
	}
	if newClient != nil {
		if inst.Client, err = newClient(d); err != nil {
			return nil, err
		}
	}
	return inst, nil
}

// checkPublicNames is Exim's auths_init check. Its message says "client"
// when both are clients, even if both are servers too (measured on 4.96).
func checkPublicNames(all []*Instance) error {
	for i, a := range all {
		for _, b := range all[i+1:] {
			if !equalFold(a.PublicName, b.PublicName) {
				continue
			}
			if (a.Client != nil && b.Client != nil) || (a.Server != nil && b.Server != nil) {
				side := "server"
				if a.Client != nil && b.Client != nil {
					side = "client"
				}
				return &conf.Error{Msg: fmt.Sprintf("two %s authenticators (%s and %s) have the same public name (%s)",
					side, a.Name, b.Name, a.PublicName)}
			}
		}
	}
	return nil
}

func init() {
	// The generic options this package acts on. server_debug_print,
	// server_mail_auth_condition and the client ones wait for -d, the MAIL
	// command and the smtp transport.
	conf.MarkImplemented(conf.KindAuthenticator, "", "public_name",
		"server_advertise_condition", "server_condition", "server_set_id")
}
