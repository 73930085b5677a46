package smtp

import (
	"testing"

	"exigo/internal/item"
	"exigo/internal/retry"
	"exigo/internal/transport"
	"exigo/internal/waitdb"
)

func waitIDs(t *testing.T, st *waitdb.Store, host string) []string {
	t.Helper()
	db, err := st.DB("t")
	if err != nil {
		t.Fatal(err)
	}
	r, ok, err := db.Get(host)
	if err != nil || !ok {
		return nil
	}
	w, err := retry.DecodeWait(r.Data)
	if err != nil {
		t.Fatal(err)
	}
	return w.IDs
}

// A message deferred for its hosts is noted in wait-t under each host's
// name; once the host answers, a good delivery on a kept connection
// hands the waiting message to the delivery process.
func TestWaitingAndContinuation(t *testing.T) {
	c := newClient(t, "")
	st := &waitdb.Store{Dir: c.dir, OnSpool: func(string) bool { return true },
		Sender: func(string) (string, bool) { return "s@client.test", true }}
	down := []item.Host{{Name: "mx.example", Address: "127.0.0.1", Port: int(freePort(t)), MX: 10}}
	env := c.env()
	env.Wait = st
	for _, id := range []string{"1xXtVL-0004ee-01", "1xXtVL-0004ee-02"} {
		a := item.New("a@x.test")
		a.Hosts = down
		c.tr.Deliver(env, newMessage(id, "s@client.test", testMessage), []*item.Address{a})
		if a.Result != item.Defer {
			t.Fatalf("%s: %v %s", id, a.Result, a.Message)
		}
	}
	if got := waitIDs(t, st, "mx.example"); len(got) != 2 {
		t.Fatalf("wait-t mx.example = %v", got)
	}

	ts := startServer(t, "acl_smtp_rcpt = accept\n", false)
	c.conn = transport.NewConns()
	defer c.conn.Close()
	env = c.env()
	env.Wait = st
	var conts []transport.Continuation
	env.Continue = func(k transport.Continuation) { conts = append(conts, k) }
	up := []item.Host{{Name: "mx.example", Address: ts.addr.Addr().String(), Port: int(ts.addr.Port()), MX: 10}}
	a := item.New("b@x.test")
	a.Hosts = up
	c.tr.Deliver(env, newMessage("1xXtVL-0004ee-03", "s@client.test", testMessage), []*item.Address{a})
	if a.Result != item.OK || len(conts) != 1 || conts[0].ID != "1xXtVL-0004ee-02" || conts[0].Sequence != 1 ||
		conts[0].Host.Name != "mx.example" || conts[0].Transport != "t" {
		t.Fatalf("%v %s; continuations %+v", a.Result, a.Message, conts)
	}
	if got := waitIDs(t, st, "mx.example"); len(got) != 1 || got[0] != "1xXtVL-0004ee-01" {
		t.Errorf("left waiting: %v", got)
	}

	// The continued delivery goes down the kept connection ("*").
	env.Continued = &conts[0]
	conts = nil
	a = item.New("a@x.test")
	a.Hosts = append([]item.Host{{Name: "other.example", Address: "127.0.0.2", Port: 1, MX: 5}}, up...)
	c.tr.Deliver(env, newMessage("1xXtVL-0004ee-02", "s@client.test", testMessage), []*item.Address{a})
	if a.Result != item.OK || !a.Continued || a.HostUsed == nil || a.HostUsed.Name != "mx.example" {
		t.Fatalf("continued: %v %s %+v", a.Result, a.Message, a)
	}
	if len(conts) != 1 || conts[0].ID != "1xXtVL-0004ee-01" || conts[0].Sequence != 2 {
		t.Errorf("next continuation %+v", conts)
	}
	if got := waitIDs(t, st, "mx.example"); len(got) != 0 {
		t.Errorf("left waiting: %v", got)
	}
}

// A message-specific deferral (4xx to MAIL) is not noted as waiting, nor
// is anything for a transport limited to one message a connection.
func TestNoWaitingAfterMessageDefer(t *testing.T) {
	f := fakeServer(t, []step{{"", "220 hi"}, {"EHLO", "250 ok"}, {"MAIL", "451 later"}, {"QUIT", "221 bye"}})
	c := newClient(t, "")
	st := &waitdb.Store{Dir: c.dir}
	env := c.env()
	env.Wait = st
	a := item.New("a@x.test")
	a.Hosts = []item.Host{{Name: "mx.example", Address: f.addr.Addr().String(), Port: int(f.addr.Port()), MX: 10}}
	c.tr.Deliver(env, newMessage("1xXtVL-0004ee-01", "s@client.test", testMessage), []*item.Address{a})
	if a.Result != item.Defer {
		t.Fatalf("%v %s", a.Result, a.Message)
	}
	if got := waitIDs(t, st, "mx.example"); got != nil {
		t.Errorf("noted after a message deferral: %v", got)
	}

	c = newClient(t, "  connection_max_messages = 1")
	st = &waitdb.Store{Dir: c.dir}
	env = c.env()
	env.Wait = st
	a = item.New("a@x.test")
	a.Hosts = []item.Host{{Name: "mx.example", Address: "127.0.0.1", Port: int(freePort(t)), MX: 10}}
	c.tr.Deliver(env, newMessage("1xXtVL-0004ee-01", "s@client.test", testMessage), []*item.Address{a})
	if got := waitIDs(t, st, "mx.example"); got != nil {
		t.Errorf("noted with connection_max_messages = 1: %v", got)
	}
}
