package pipe

import (
	"os"
	"path/filepath"
	"testing"
	"time"

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

// deliverAsDeliveryProcess runs the transport as the delivery process
// does: with a return file when the transport keeps its output, handled
// afterwards (the first address keeps it for the report, or it goes).
// It returns the output log line, if any.
func deliverAsDeliveryProcess(t *testing.T, cfg *conf.Config, tp transport.Transport, msg *transport.Message, addrs []*item.Address) string {
	t.Helper()
	d := tp.(*Transport).d
	env := &transport.Env{Config: cfg, Ctx: context(cfg, msg, addrs[0]), Now: time.Now}
	if !transport.KeepsOutput(d) {
		tp.Deliver(env, msg, addrs)
		return ""
	}
	a := addrs[0]
	a.ReturnFile = filepath.Join(t.TempDir(), msg.ID+"-1-0")
	f, err := transport.CreateReturnFile(a.ReturnFile)
	if err != nil {
		t.Fatal(err)
	}
	env.ReturnFile = f
	tp.Deliver(env, msg, addrs)
	return transport.HandleOutput(d, a, f, msg.Header.Sender)
}

func returned(t *testing.T, a *item.Address) string {
	t.Helper()
	if a.ReturnFile == "" {
		return ""
	}
	b, err := os.ReadFile(a.ReturnFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
