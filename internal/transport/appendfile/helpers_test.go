package appendfile

import (
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// testVars are a delivery's variables: the address ones tainted, as
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
	case "domain":
		return v.a.Domain, true, true
	case "home":
		return v.a.Home, false, true
	case "local_part_data":
		return v.a.LocalPart, false, true
	case "return_path", "sender_address":
		return v.h.Sender, true, true
	case "message_id":
		return v.h.ID, false, true
	case "message_size":
		return "1234", false, true
	}
	if v.cfg != nil {
		if s, ok := v.cfg.Var(name); ok {
			return s, false, true
		}
	}
	return "", false, false
}

// newMessage makes a message in memory.
func newMessage(headers, body string) *transport.Message {
	h := &spool.Header{ID: "1xXtV9-0004Vg-1H", Sender: "sender@example.org", Received: time.Now()}
	for _, l := range strings.SplitAfter(headers, "\n") {
		if l != "" {
			h.Headers = append(h.Headers, spool.HeaderLine{Type: spool.HeaderOther, Text: l})
		}
	}
	h.BodySize = int64(len(body))
	return &transport.Message{ID: h.ID, Header: h, Body: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(body)), nil
	}}
}

// setup parses a configuration and builds its transport name.
func setup(t *testing.T, text, name string) (*conf.Config, transport.Transport) {
	t.Helper()
	cfg, err := conf.Parse("test.conf", text, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.Transport(name)
	if d == nil {
		t.Fatalf("no transport %s", name)
	}
	tp, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, tp
}

// deliver runs the transport for one address.
func deliver(cfg *conf.Config, tp transport.Transport, msg *transport.Message, a *item.Address) {
	env := &transport.Env{Config: cfg, Ctx: &expand.Context{Vars: testVars{cfg, msg.Header, a}}, Now: time.Now}
	tp.Deliver(env, msg, []*item.Address{a})
}

// holdLock has a child process hold a classic fcntl write lock on name
// until the returned function is called.
func holdLock(t *testing.T, name string) func() {
	t.Helper()
	py := exec.Command("python3", "-c", `import fcntl,sys,time
f=open(sys.argv[1],"r+"); fcntl.lockf(f, fcntl.LOCK_EX); print("locked", flush=True); time.sleep(60)`, name)
	out, err := py.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := py.Start(); err != nil {
		t.Skipf("no python3 to hold a lock: %v", err)
	}
	buf := make([]byte, 7)
	if _, err := io.ReadFull(out, buf); err != nil {
		t.Fatal(err)
	}
	return func() { py.Process.Kill(); py.Wait() }
}
