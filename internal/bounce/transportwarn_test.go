package bounce

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"exigo/internal/spool"
)

func TestContainsHeader(t *testing.T) {
	for text, want := range map[string]bool{
		"From: a@b\n\nbody\n":          true,
		"To: x\nfrom \t: a@b\n":        true,
		"To: x\nFromage: cheese\n":     false,
		"To: x\n\nFrom: in the body\n": true, // Exim looks at every line
		"To: x\n\n From: indented\n":   false,
	} {
		if got := containsHeader("From", text); got != want {
			t.Errorf("containsHeader(From, %q) = %v", text, got)
		}
	}
}

func TestTransportWarningHeaders(t *testing.T) {
	cfg := loadConfig(t, "errors_reply_to = pm@test.ex\n")
	msg := message("s@test.ex", stdHeaders(), "body\n")
	n := TransportWarning(cfg, nil, msg, "To: u@test.ex\nSubject: full\n\nbody\n", time.Now())
	want := "Reply-To: pm@test.ex\nAuto-Submitted: auto-replied\nFrom: Mail Delivery System <Mailer-Daemon@test.ex>\nTo: u@test.ex\nSubject: full\n\nbody\n"
	if string(n.Data) != want {
		t.Errorf("got\n%s\nwant\n%s", n.Data, want)
	}
	n = TransportWarning(cfg, nil, msg, "reply-to: me@test.ex\nFROM: me@test.ex\nTo: u@test.ex\n\nbody\n", time.Now())
	if !strings.HasPrefix(string(n.Data), "Auto-Submitted: auto-replied\nreply-to: me@test.ex\nFROM:") {
		t.Errorf("got\n%s", n.Data)
	}
}

// TestAgainstEximQuotaWarning lets Debian's Exim 4.96 deliver messages
// into a mailbox with a quota until one crosses quota_warn_threshold,
// keeps the warning it sends on its spool, and compares it with what
// TransportWarning makes of the same text: once with the default
// message, once with one that has its own From: (errors_reply_to set).
func TestAgainstEximQuotaWarning(t *testing.T) {
	needExim(t)
	for _, c := range []struct{ opts, main, text string }{
		{"", "", "To: box@test.ex\nSubject: Your mailbox\n\nThis message is automatically created by mail delivery software (Exim).\n\n" +
			"The size of your mailbox has exceeded a warning threshold that is\nset by the system administrator.\n"},
		{"  quota_warn_message = From: Postmaster <pm@test.ex>\\nTo: \"Box Owner\" <$local_part@$domain>\\nSubject: over quota\\n\\nPlease tidy up.\\n\n",
			"errors_reply_to = replies@test.ex\n",
			"From: Postmaster <pm@test.ex>\nTo: \"Box Owner\" <box@test.ex>\nSubject: over quota\n\nPlease tidy up.\n"},
	} {
		s := newScenario(t, c.main+`begin routers
holdbounce:
  driver = redirect
  senders = :
  allow_defer
  data = :defer: held for inspection
box:
  driver = accept
  transport = box
begin transports
box:
  driver = appendfile
  file = TESTDIR/box
  user = nobody
  quota = 2K
  quota_warn_threshold = 50%
`+c.opts+"begin retry\n* * F,1d,1d\n", "")
		body := strings.Repeat(strings.Repeat("x", 70)+"\n", 10)
		s.run(t, "EXIM -odi -f sender@test.ex box@test.ex", "Subject: fill\n\n"+body)
		notices := s.notices(t)
		if len(notices) != 1 {
			log, _ := os.ReadFile(filepath.Join(s.dir, "log", "mainlog"))
			t.Fatalf("Exim sent %d warnings; log:\n%s%s", len(notices), log, s.output)
		}
		n := TransportWarning(s.cfg, nil, message("sender@test.ex", stdHeaders(), ""), c.text, time.Now())
		compare(t, "quota warning", string(n.Data), notices[0].piped())
	}
}

// notices are the messages from <> on the scenario's spool.
func (s *scenario) notices(t *testing.T) []*spooled {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(s.dir, "spool", "input", "*-H"))
	var out []*spooled
	for _, n := range names {
		h, err := spool.ReadHeaderFile(n)
		if err != nil {
			t.Fatal(err)
		}
		d, err := os.ReadFile(strings.TrimSuffix(n, "-H") + "-D")
		if err != nil {
			t.Fatal(err)
		}
		if h.Sender == "" {
			out = append(out, &spooled{h: h, body: d[len(h.ID)+3:]})
		}
	}
	return out
}
