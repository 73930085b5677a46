package lmtp

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

func testMessage() *transport.Message {
	h := &spool.Header{ID: "1xXtV9-0004Vg-1H", Sender: "sender@example.org",
		Headers: []spool.HeaderLine{{Type: ' ', Text: "Subject: x\n"}}}
	body := ".dot\nline\n"
	h.BodySize = int64(len(body))
	return &transport.Message{ID: h.ID, Header: h, Body: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(body)), nil
	}}
}

func run(t *testing.T, options string, lps ...string) []*item.Address {
	t.Helper()
	cfg, err := conf.Parse("t.conf", "primary_hostname = test.example\nbegin transports\nt:\n  driver = lmtp\n"+options, nil)
	if err != nil {
		t.Fatal(err)
	}
	tp, err := New(cfg.Transport("t"))
	if err != nil {
		t.Fatal(err)
	}
	var addrs []*item.Address
	for _, lp := range lps {
		addrs = append(addrs, item.New(lp+"@test.example"))
	}
	tp.Deliver(&transport.Env{Config: cfg, Ctx: &expand.Context{Vars: cfgVars{cfg}}, Now: time.Now}, testMessage(), addrs)
	return addrs
}

// TestCommand runs the LMTP server as a command (this test binary).
func TestCommand(t *testing.T) {
	rec := filepath.Join(t.TempDir(), "dialogue")
	exe, _ := os.Executable()
	t.Setenv("LMTP_SERVER_RECORD", rec)
	addrs := run(t, "  command = "+exe+"\n", "a", "b")
	if addrs[0].Result != item.OK || addrs[0].SMTPConfirmation != "250 ok one" {
		t.Errorf("a: %v %q %q", addrs[0].Result, addrs[0].Message, addrs[0].SMTPConfirmation)
	}
	if b := addrs[1]; b.Result != item.Fail || b.Message != "LMTP error after end of data: 550 5.7.1 refused after data" || !b.PassMessage {
		t.Errorf("b: %v %q", b.Result, b.Message)
	}
	d, _ := os.ReadFile(rec)
	want := "LHLO test.example\r\nMAIL FROM:<sender@example.org>\r\nRCPT TO:<a@test.example>\r\nRCPT TO:<b@test.example>\r\nDATA\r\n" +
		"Subject: x\r\n\r\n..dot\r\nline\r\n.\r\nQUIT\r\n"
	if string(d) != want {
		t.Errorf("dialogue %q", d)
	}
}

func TestTimeout(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s")
	startServer(t, sock, script{stall: true})
	addrs := run(t, "  socket = "+sock+"\n  timeout = 1s\n", "a", "b")
	for _, a := range addrs {
		if a.Result != item.Defer || a.Message != "LMTP timeout after initial connection" {
			t.Errorf("%v %q", a.Result, a.Message)
		}
	}
}

func TestConnectFailure(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "none")
	addrs := run(t, "  socket = "+sock+"\n", "a")
	if a := addrs[0]; a.Result != item.Defer || a.Message != "Failed to connect to socket "+sock+" for t transport: No such file or directory" {
		t.Errorf("%v %q", a.Result, a.Message)
	}
}

func TestOneOfCommandOrSocket(t *testing.T) {
	for _, opts := range []string{"", "  command = /x\n  socket = /y\n"} {
		cfg, err := conf.Parse("t.conf", "begin transports\nt:\n  driver = lmtp\n"+opts, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(cfg.Transport("t")); err == nil || err.Error() != "one (and only one) of command or socket must be set for the t transport" {
			t.Errorf("%q: %v", opts, err)
		}
	}
}
