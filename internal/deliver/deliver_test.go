package deliver

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"exigo/internal/conf"
	"exigo/internal/eximlog"
	"exigo/internal/item"
	"exigo/internal/router"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// fakeTransport delivers to a map and fails or defers chosen local parts.
type fakeTransport struct {
	local bool
	got   map[string]string // address -> body
}

func (f *fakeTransport) Local() bool { return f.local }

func (f *fakeTransport) Deliver(env *transport.Env, msg *transport.Message, addrs []*item.Address) {
	for _, a := range addrs {
		switch a.LocalPart {
		case "fail":
			a.Result, a.Message = item.Fail, "mailbox unavailable"
		case "later":
			a.Result, a.Message = item.Defer, "try again"
		default:
			body, _ := msg.Body()
			b, _ := io.ReadAll(body)
			body.Close()
			f.got[a.Address] = string(b)
			a.Result = item.OK
		}
	}
}

func route(env *router.Env, a *item.Address) (item.Result, []*item.Address) {
	switch a.LocalPart {
	case "list":
		return item.Rerouted, []*item.Address{a.Child("one@local.test"), a.Child("two@local.test")}
	case "nobody":
		a.Message = "Unrouteable address"
		return item.Fail, nil
	}
	a.Router, a.Transport = "r", "t"
	a.UID, a.GID = 65534, 65534 // a local delivery as nobody
	return item.OK, nil
}

func setup(t *testing.T, rcpts ...string) (*Deliverer, *fakeTransport, string, string) {
	t.Helper()
	dir := t.TempDir()
	sp, err := spool.Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := eximlog.New(eximlog.Config{FilePath: filepath.Join(dir, "log", "%slog"), SpoolDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := conf.Parse("t", "", nil)
	ft := &fakeTransport{local: true, got: map[string]string{}}
	d := &Deliverer{Config: cfg, Spool: sp, Log: lg, Transports: map[string]transport.Transport{"t": ft}, Route: route}
	// Running as root, local deliveries go to a child process; here the
	// "child" is this process.
	d.RunAs = func(uid, gid int, ig bool, name string, msg *transport.Message, addrs []*item.Address) error {
		ft.Deliver(nil, msg, addrs)
		return nil
	}
	id := spool.NewID(time.Now(), 77, -1)
	in, _ := sp.Begin(id)
	io.WriteString(in.Body(), "hello\n")
	h := &spool.Header{ID: id, Originator: "u", Sender: "s@example.org", Received: time.Now(),
		Headers: []spool.HeaderLine{{Type: spool.HeaderOther, Text: "Subject: t\n"}}}
	for _, r := range rcpts {
		h.Recipients = append(h.Recipients, spool.Recipient{Address: r})
	}
	if err := in.Commit(h); err != nil {
		t.Fatal(err)
	}
	return d, ft, id, dir
}

func mainlog(dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "log", "mainlog"))
	return string(b)
}

func TestDeliverCompletes(t *testing.T) {
	var bounced []string
	d, ft, id, dir := setup(t, "a@local.test", "list@local.test", "fail@local.test", "nobody@local.test")
	d.Bounce = func(msg *transport.Message, failed []*item.Address) error {
		for _, a := range failed {
			bounced = append(bounced, a.Address)
		}
		return nil
	}
	if err := d.Deliver(id, Options{}); err != nil {
		t.Fatal(err)
	}
	if ft.got["a@local.test"] != "hello\n" || ft.got["one@local.test"] == "" || ft.got["two@local.test"] == "" {
		t.Fatalf("delivered %v", ft.got)
	}
	if strings.Join(bounced, ",") != "fail@local.test,nobody@local.test" {
		t.Fatalf("bounced %v", bounced)
	}
	log := mainlog(dir)
	for _, want := range []string{
		id + " => a <a@local.test> R=r T=t",
		id + " => one <list@local.test> R=r T=t",
		id + " ** fail@local.test R=r T=t: mailbox unavailable",
		id + " ** nobody@local.test: Unrouteable address",
		id + " Completed",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("mainlog lacks %q:\n%s", want, log)
		}
	}
	if ids, _ := d.Spool.List(); len(ids) != 0 {
		t.Fatalf("spool still has %v", ids)
	}
}

func TestDeliverDeferKeepsMessage(t *testing.T) {
	d, ft, id, dir := setup(t, "a@local.test", "later@local.test")
	if err := d.Deliver(id, Options{}); err != nil {
		t.Fatal(err)
	}
	h, err := d.Spool.ReadHeader(id)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Delivered("a@local.test") || h.Delivered("later@local.test") {
		t.Fatalf("non-recipients %v", h.NonRecipients.Addresses())
	}
	if !strings.Contains(mainlog(dir), id+" == later@local.test R=r T=t defer (-1): try again") {
		t.Fatalf("mainlog:\n%s", mainlog(dir))
	}
	// A second attempt does not deliver a@ again.
	delete(ft.got, "a@local.test")
	d.Deliver(id, Options{})
	if _, again := ft.got["a@local.test"]; again {
		t.Fatal("a@local.test delivered twice")
	}
	if _, err := os.Stat(d.Spool.InputPath(id, "-J")); err == nil {
		t.Fatal("journal left behind")
	}
}

// A journal left by a crashed attempt prevents a second delivery.
func TestJournalAfterCrash(t *testing.T) {
	d, ft, id, _ := setup(t, "a@local.test", "b@local.test")
	j, _ := d.Spool.OpenJournal(id)
	j.Delivered("a@local.test")
	j.Close()
	d.Deliver(id, Options{})
	if _, twice := ft.got["a@local.test"]; twice || ft.got["b@local.test"] == "" {
		t.Fatalf("delivered %v", ft.got)
	}
}
