package lmtp

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/transport"
	"exigo/internal/transport/eximtest"
)

// scenarios are fake LMTP servers and the recipients sent to each.
var scenarios = []struct {
	name    string
	s       script
	rcpts   []string
	options string
}{
	{"s1", script{greeting: "220 lmtp ready", replies: map[string]string{
		"RCPT:s1bad@test.example": "550 5.1.1 no such user", "RCPT:s1tmp@test.example": "451 4.3.0 try later"},
		data: []string{"250 2.0.0 ok", "452 4.2.2 over quota"}},
		[]string{"s1ok", "s1bad", "s1tmp", "s1late"}, ""},
	{"s2", script{greeting: "220 lmtp ready", replies: map[string]string{"LHLO": "close"}}, []string{"s2a", "s2b"}, ""},
	{"s3", script{greeting: "421 4.3.2 go away"}, []string{"s3a"}, ""},
	{"s4", script{greeting: "220 lmtp ready", replies: map[string]string{"MAIL": "451 4.3.0 not now"}}, []string{"s4a", "s4b"}, ""},
	{"s5", script{greeting: "220 lmtp ready", replies: map[string]string{"LHLO": "hello"}}, []string{"s5a"}, ""},
	{"s6", script{greeting: "220 lmtp ready", data: []string{"250 ok", "close"}}, []string{"s6a", "s6b"}, ""},
	{"s7", script{greeting: "220 lmtp ready", replies: map[string]string{
		"RCPT:s7a@test.example": "550 no", "RCPT:s7b@test.example": "551 no either"}}, []string{"s7a", "s7b"}, ""},
	{"s8", script{greeting: "220 lmtp ready", replies: map[string]string{"LHLO": "250-test\n250-IGNOREQUOTA\n250 8BITMIME"}},
		[]string{"s8a"}, "  ignore_quota\n"},
	{"s9", script{greeting: "220 lmtp ready", replies: map[string]string{"DATA": "554 5.6.0 no data today"}}, []string{"s9a"}, ""},
	{"tab", script{greeting: "220 lmtp ready", replies: map[string]string{
		"RCPT:taba@test.example": "550 5.1.1 tab\there, bell\x07 top\xe9"}}, []string{"taba"}, ""},
}

func lmtpConf() string {
	var b strings.Builder
	b.WriteString("primary_hostname = test.example\nqualify_domain = test.example\nbegin routers\n")
	for _, sc := range scenarios {
		fmt.Fprintf(&b, "%s:\n  driver = accept\n  local_parts = ^%s\n  transport = %s\n", sc.name, sc.name, sc.name)
	}
	b.WriteString("begin transports\n")
	for _, sc := range scenarios {
		fmt.Fprintf(&b, "%s:\n  driver = lmtp\n  socket = DIR/%s.sock\n  batch_max = 10\n  timeout = 5s\n%sUSER", sc.name, sc.name, sc.options)
	}
	return b.String()
}

// TestSameAsExim has Debian's Exim 4.96 and this transport deliver the
// same spooled message to the same fake LMTP servers, and compares the
// dialogues byte for byte and the outcomes (result, error number and
// message, C= confirmation).
func TestSameAsExim(t *testing.T) {
	text := lmtpConf()
	e := eximtest.New(t, strings.ReplaceAll(text, "USER", "  user = nobody\n"))
	servers := map[string]*server{}
	var rcpts []string
	for _, sc := range scenarios {
		servers[sc.name] = startServer(t, filepath.Join(e.Dir, sc.name+".sock"), sc.s)
		for _, r := range sc.rcpts {
			rcpts = append(rcpts, r+"@test.example")
		}
	}
	msg := e.Queue("Subject: lmtp\n\n.dot\nbody\n", "sender@example.org", rcpts...)
	e.Run("", "-M", msg.ID)
	exim := e.Outcomes()

	cfg, err := conf.Parse("lmtp.conf", strings.ReplaceAll(strings.ReplaceAll(text, "DIR", e.Dir), "USER", ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*item.Address{}
	for _, sc := range scenarios {
		tp, err := New(cfg.Transport(sc.name))
		if err != nil {
			t.Fatal(err)
		}
		var addrs []*item.Address
		for _, r := range sc.rcpts {
			a := item.New(r + "@test.example")
			addrs = append(addrs, a)
			got[a.Address] = a
		}
		env := &transport.Env{Config: cfg, Ctx: &expand.Context{Vars: cfgVars{cfg}}, Now: time.Now}
		tp.Deliver(env, msg, addrs)
	}
	for addr, want := range exim {
		a := got[addr]
		if a == nil {
			t.Errorf("%s: not delivered here", addr)
			continue
		}
		text := a.Message
		if a.Result == item.OK {
			text = `C="` + a.SMTPConfirmation + `"`
		}
		if r := outcome(a); r != want.Result || text != want.Text {
			t.Errorf("%s: got %s %q, Exim %s %q", addr, r, text, want.Result, want.Text)
		}
		if want.Errno != "" && want.Errno != strconv.Itoa(a.BasicErrno) {
			t.Errorf("%s: errno %d, Exim %s", addr, a.BasicErrno, want.Errno)
		}
	}
	for name, srv := range servers {
		tr := srv.transcripts(2)
		if len(tr) != 2 || tr[0] != tr[1] {
			t.Errorf("%s: dialogues differ:\n%q", name, tr)
		}
	}
}

func outcome(a *item.Address) string {
	switch a.Result {
	case item.OK:
		return "=>"
	case item.Defer:
		return "=="
	}
	return "**"
}

// cfgVars gives the message's sender and the configuration's variables.
type cfgVars struct{ cfg *conf.Config }

func (v cfgVars) Var(name string) (string, bool, bool) {
	if name == "return_path" || name == "sender_address" {
		return "sender@example.org", true, true
	}
	s, ok := v.cfg.Var(name)
	return s, false, ok
}
