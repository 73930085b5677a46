package pipe

import (
	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// testVars are a delivery's variables, the address ones tainted as
// Exim has them.
type testVars struct {
	cfg *conf.Config
	h   *spool.Header
	a   *item.Address
}

func (v testVars) Var(name string) (string, bool, bool) {
	switch name {
	case "local_part":
		return v.a.LocalPart, true, true
	case "local_part_data":
		return v.a.LocalPart, false, true
	case "domain":
		return v.a.Domain, true, true
	case "home":
		return v.a.Home, false, true
	case "return_path", "sender_address":
		return v.h.Sender, true, true
	case "message_id":
		return v.h.ID, false, true
	}
	if v.cfg != nil {
		if s, ok := v.cfg.Var(name); ok {
			return s, false, true
		}
	}
	return "", false, false
}

func context(cfg *conf.Config, msg *transport.Message, a *item.Address) *expand.Context {
	return &expand.Context{Vars: testVars{cfg, msg.Header, a}}
}
