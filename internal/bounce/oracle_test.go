package bounce

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"exigo/internal/conf"
	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// These tests let Debian's Exim 4.96 fail or defer deliveries in a
// network namespace, keep both the original message and the notice it
// generated on the spool (a router defers everything from <>), rebuild
// what Exim piped to its "exim -t" child from the notice's -H and -D
// files, and compare that byte for byte with what this package makes
// from the original message and the same addresses. Message ids, dates
// and MIME boundaries are normalised.

func needExim(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/exim4"); err != nil {
		t.Skip("/usr/sbin/exim4 is not installed: no Exim to compare with")
	}
	if err := exec.Command("unshare", "-n", "true").Run(); err != nil {
		t.Skipf("cannot run Exim in a network namespace: %v", err)
	}
}

type scenario struct {
	dir, eximConf string
	cfg           *conf.Config // the same configuration, as exigo reads it
	output        string       // what the scripts wrote
}

// newScenario writes the configuration for Exim; extra is added for
// exigo only (options Exim does not know).
func newScenario(t *testing.T, body, extra string) *scenario {
	t.Helper()
	// Not t.TempDir: its parent is closed to the nobody the smtp transport
	// runs as.
	dir, err := os.MkdirTemp("", "bounce-oracle-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o777)
	head := fmt.Sprintf("spool_directory = %s/spool\nlog_file_path = %s/log/%%slog\n"+
		"primary_hostname = test.ex\nqualify_domain = test.ex\n", dir, dir)
	if !strings.Contains(body, "exim_user") {
		head += "exim_user = root\nexim_group = root\n"
	}
	body = strings.ReplaceAll(body, "TESTDIR", dir)
	s := &scenario{dir: dir, eximConf: filepath.Join(dir, "conf")}
	writeFile(t, s.eximConf, head+body)
	ours := filepath.Join(dir, "exigo.conf")
	i := strings.Index(body, "begin ")
	writeFile(t, ours, head+body[:i]+extra+body[i:])
	if s.cfg, err = conf.Load(ours, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// run runs script in a network namespace and returns its output (where
// log lines go that an unprivileged process could not write).
func (s *scenario) run(t *testing.T, script, stdin string) string {
	t.Helper()
	cmd := exec.Command("unshare", "-n", "sh", "-c", "ip link set lo up; "+strings.ReplaceAll(script, "EXIM", "exim4 -C "+s.eximConf))
	cmd.Env = append(os.Environ(), "TZ=UTC")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	s.output += string(out)
	return string(out)
}

// spooled is a message on the scenario's spool.
type spooled struct {
	h    *spool.Header
	body []byte
}

func (s *scenario) messages(t *testing.T) (original *spooled, notices []*spooled) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(s.dir, "spool", "input", "*-H"))
	for _, n := range names {
		h, err := spool.ReadHeaderFile(n)
		if err != nil {
			t.Fatal(err)
		}
		d, err := os.ReadFile(strings.TrimSuffix(n, "-H") + "-D")
		if err != nil {
			t.Fatal(err)
		}
		m := &spooled{h: h, body: d[len(h.ID)+3:]}
		m.h.BodySize = int64(len(m.body))
		if h.Sender == "" {
			notices = append(notices, m)
		} else {
			original = m
		}
	}
	if original == nil || len(notices) == 0 {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log", "mainlog"))
		t.Fatalf("expected the original and a notice on the spool; log:\n%s", log)
	}
	return original, notices
}

func (m *spooled) message() *transport.Message {
	return &transport.Message{ID: m.h.ID, Header: m.h, Body: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(string(m.body))), nil
	}}
}

// piped rebuilds what Exim wrote to its child from the notice's spool
// files: the headers reception added (the Received: line before, the
// Message-Id: and Date: lines after) are dropped.
func (m *spooled) piped() string {
	var b strings.Builder
	hs := m.h.Headers[1:]
	for len(hs) > 0 {
		last := hs[len(hs)-1].Text
		if !strings.HasPrefix(last, "Message-Id:") && !strings.HasPrefix(last, "Date:") {
			break
		}
		hs = hs[:len(hs)-1]
	}
	for _, h := range hs {
		b.WriteString(h.Text)
	}
	return b.String() + "\n" + string(m.body)
}

var (
	boundaryRE = regexp.MustCompile(`\d+-eximdsn-\d+`)
	idRE       = regexp.MustCompile(`[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}`)
)

func normalize(s string) string {
	return idRE.ReplaceAllString(boundaryRE.ReplaceAllString(s, "BOUNDARY"), "MSGID")
}

func compare(t *testing.T, what, ours, exims string) {
	t.Helper()
	o, e := normalize(ours), normalize(exims)
	if o == e {
		return
	}
	ol, el := strings.Split(o, "\n"), strings.Split(e, "\n")
	for i := 0; i < len(ol) || i < len(el); i++ {
		var a, b string
		if i < len(ol) {
			a = ol[i]
		}
		if i < len(el) {
			b = el[i]
		}
		if a != b {
			t.Errorf("%s differs from Exim's at line %d:\n ours  %q\n Exim's %q\nours in full:\n%s", what, i+1, a, b, o)
			return
		}
	}
}

// logRE reads the "**" and "==" lines of Exim's main log.
var logRE = regexp.MustCompile(`(?m)^\S+ \S+ (?:(\S+) )?(\*\*|==) (\S+)(?: <(\S+)>)?(?: R=(\S+))?(?: T=(\S+))?(?: H=(\S+) \[([^\]]+)\])?(?: defer \((-?\d+)\))?: (.*)$`)

// addresses rebuilds the failed (or deferred) addresses as Exim's
// routers and transports left them, in Exim's chain order: the reverse
// of the order they were logged. A router's or transport's text is
// passed on; an unrouteable address has a user message.
func (s *scenario) addresses(t *testing.T, id, kind string, port int) []*item.Address {
	t.Helper()
	log, err := os.ReadFile(filepath.Join(s.dir, "log", "mainlog"))
	if err != nil {
		t.Fatal(err)
	}
	log = append(log, s.output...)
	parents := map[string]*item.Address{}
	var out []*item.Address
	seen := map[string]bool{}
	for _, m := range logRE.FindAllStringSubmatch(string(log), -1) {
		if m[1] != id && m[1] != "" { // Exim leaves the id out after -bs
			continue
		}
		m = m[1:]
		if m[1] != kind || seen[m[2]] || strings.HasSuffix(m[9], "retry timeout exceeded") {
			continue
		}
		seen[m[2]] = true
		a := item.New(m[2])
		if m[3] != "" {
			p := parents[m[3]]
			if p == nil {
				p = item.New(m[3])
				parents[m[3]] = p
			}
			a.Parent = p
		}
		a.Router, a.Transport = m[4], m[5]
		if m[6] != "" {
			a.HostUsed = &item.Host{Name: m[6], Address: m[7], Port: port}
		}
		a.BasicErrno = -1
		if m[8] != "" {
			a.BasicErrno, _ = strconv.Atoi(m[8])
		}
		if m[4] != "" {
			a.PassMessage, a.Message = true, m[9]
		} else {
			a.UserMessage, a.Message = m[9], m[9]
		}
		out = append([]*item.Address{a}, out...)
	}
	return out
}

// boundaryTime is when Exim made the notice (its boundary's time).
func boundaryTime(n *spooled) time.Time {
	m := regexp.MustCompile(`boundary=(\d+)-eximdsn`).FindStringSubmatch(n.piped())
	sec, _ := strconv.ParseInt(m[1], 10, 64)
	return time.Unix(sec, 0)
}

func TestAgainstEximRouterFailures(t *testing.T) {
	needExim(t)
	s := newScenario(t, `begin routers
holdbounce:
  driver = redirect
  senders = :
  allow_defer
  data = :defer: held for inspection
keep:
  driver = redirect
  local_parts = keep
  allow_defer
  data = :defer: kept
alias:
  driver = redirect
  local_parts = list
  data = fail2@test.ex, keep@test.ex
failer:
  driver = redirect
  local_parts = ^fail
  allow_fail
  data = :fail: This address is gone: with a colon here, and enough text to wrap the line somewhere
failnotext:
  driver = redirect
  local_parts = nofail
  allow_fail
  data = :fail:
begin retry
* * F,1d,1d
`, "")
	msg := "From: Sender Person <sender@test.ex>\nTo: somebody\nSubject: hello there\nReferences: <a@b> (c) <c@d>\n\nBody line one\n\nBody line two\n"
	s.run(t, "EXIM -odi -f sender@test.ex fail1@test.ex nofail@test.ex list@test.ex other@elsewhere.ex keep@test.ex", msg)
	orig, notices := s.messages(t)
	failed := s.addresses(t, orig.h.ID, "**", 0)
	_, _, data, err := Failure(s.cfg, nil, orig.message(), failed, boundaryTime(notices[0]))
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "bounce", string(data), notices[0].piped())
}

func TestAgainstEximTemplateAndLimits(t *testing.T) {
	needExim(t)
	s := newScenario(t, `bounce_message_file = TESTDIR/bmf
bounce_return_size_limit = 10
errors_reply_to = postmaster@test.ex
begin routers
holdbounce:
  driver = redirect
  senders = :
  allow_defer
  data = :defer: held for inspection
keep:
  driver = redirect
  local_parts = keep
  allow_defer
  data = :defer: kept
begin retry
* * F,1d,1d
`, "")
	writeFile(t, s.dir+"/bmf", "Subject: Custom failure for $bounce_recipient\nX-Custom: yes\n****\nIntro text for ${sender_address} limit $bounce_return_size_limit\n****\nGenerated text section\n****\nCopy section\n****\nFinal section\n")
	body := strings.Repeat("a line of the body that makes the message too big to return\n", 200)
	s.run(t, "EXIM -odi -f sender@test.ex gone@elsewhere.ex keep@test.ex", "Subject: big\n\n"+body)
	orig, notices := s.messages(t)
	_, _, data, err := Failure(s.cfg, nil, orig.message(), s.addresses(t, orig.h.ID, "**", 0), boundaryTime(notices[0]))
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "bounce", string(data), notices[0].piped())
}

func TestAgainstEximSMTPFailures(t *testing.T) {
	needExim(t)
	s := newScenario(t, `exim_user = nobody
exim_group = nogroup
dsn_advertise_hosts = *
acl_smtp_rcpt = accept
errors_copy = sender@test.ex copy1@test.ex, copy2@test.ex
begin routers
holdbounce:
  driver = redirect
  senders = :
  allow_defer
  data = :defer: held for inspection
keep:
  driver = redirect
  local_parts = keep
  allow_defer
  data = :defer: kept
mr:
  driver = manualroute
  domains = remote.ex
  route_list = * 127.0.0.1 byname
  self = send
  transport = smtp
begin transports
smtp:
  driver = smtp
  port = 2525
  allow_localhost
  hosts_avoid_tls = *
begin retry
* * F,1d,1d
`, "dsn_extra_info = false\n")
	server := fmt.Sprintf(`spool_directory = %[1]s/sspool
log_file_path = %[1]s/slog/%%slog
exim_user = root
exim_group = root
primary_hostname = server.ex
daemon_smtp_ports = 2525
local_interfaces = 127.0.0.1
acl_smtp_rcpt = rcpt
begin acl
rcpt:
  deny local_parts = ^bad
       message = hard error here\nsecond line
  accept
`, s.dir)
	writeFile(t, s.dir+"/server", server)
	input := "EHLO client.ex\nMAIL FROM:<sender@test.ex> RET=HDRS ENVID=env+2Bid\n" +
		"RCPT TO:<bad1@remote.ex> NOTIFY=FAILURE ORCPT=rfc822;orig+2Bone@remote.ex\nRCPT TO:<bad2@remote.ex>\n" +
		"RCPT TO:<keep@test.ex>\nDATA\nFrom: sender@test.ex\nSubject: smtp test\n\nline 1\n.\nQUIT\n"
	// The server runs in the foreground (-bdf) so that the script can stop it.
	s.run(t, "exim4 -C "+s.dir+"/server -bdf & sp=$!; sleep 0.5; EXIM -odi -bs >/dev/null; kill $sp; wait $sp; true", input)
	orig, notices := s.messages(t)
	failed := s.addresses(t, orig.h.ID, "**", 2525)
	for _, a := range failed {
		a.RemoteDiagnostic = a.Message
		if a.Address == "bad1@remote.ex" {
			a.ORCPT, a.DSNFlags = "rfc822;orig+2Bone@remote.ex", spool.DSNNotifyFailure
		}
	}
	_, rcpts, data, err := Failure(s.cfg, nil, orig.message(), failed, boundaryTime(notices[0]))
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "bounce", string(data), notices[0].piped())
	var exims []string
	for _, r := range notices[0].h.Recipients {
		exims = append(exims, r.Address)
	}
	if strings.Join(rcpts, " ") != strings.Join(exims, " ") {
		t.Errorf("recipients %q, Exim's %q", rcpts, exims)
	}
}

func TestAgainstEximWarning(t *testing.T) {
	needExim(t)
	s := newScenario(t, `delay_warning = 2s:4s
begin routers
holdbounce:
  driver = redirect
  senders = :
  allow_defer
  data = :defer: held for inspection
slow:
  driver = redirect
  local_parts = ^slow
  allow_defer
  data = :defer: mailbox is resting: try again
begin retry
* * F,1d,1s
`, "")
	msg := "From: a@test.ex\nSubject: delayed one\nDate: Mon, 30 Nov 2026 04:00:00 +0000\n\nbody\n"
	s.run(t, "EXIM -odi -f sender@test.ex slow1@test.ex slow2@test.ex; sleep 3; EXIM -qf", msg)
	orig, notices := s.messages(t)
	deferred := s.addresses(t, orig.h.ID, "==", 0)[:2] // the -qf run's lines came last
	if orig.h.WarningCount != 1 {
		t.Errorf("Exim's warning count %d", orig.h.WarningCount)
	}
	orig.h.WarningCount = 0
	n, count, err := Warning(s.cfg, nil, orig.message(), deferred, boundaryTime(notices[0]), WarningOptions{})
	if err != nil || n == nil || count != 1 {
		t.Fatalf("no warning: %v %d %v", n, count, err)
	}
	if !strings.Contains(notices[0].piped(), "\nSubject: Warning: message ") {
		t.Fatalf("Exim's notice is not a warning:\n%s", notices[0].piped())
	}
	compare(t, "warning", string(n.Data), notices[0].piped())
}

func TestAgainstEximSuccess(t *testing.T) {
	needExim(t)
	s := newScenario(t, `dsn_advertise_hosts = *
acl_smtp_rcpt = accept
begin routers
holdbounce:
  driver = redirect
  senders = :
  allow_defer
  data = :defer: held for inspection
keep:
  driver = redirect
  local_parts = keep
  allow_defer
  data = :defer: kept
local:
  driver = accept
  transport = null
begin transports
null:
  driver = appendfile
  file = /dev/null
  user = nobody
begin retry
* * F,1d,1d
`, "")
	input := "EHLO client.ex\nMAIL FROM:<sender@test.ex> ENVID=e1\n" +
		"RCPT TO:<u1@test.ex> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;o1@test.ex\nRCPT TO:<u2@test.ex> NOTIFY=SUCCESS\n" +
		"RCPT TO:<u3@test.ex>\nRCPT TO:<keep@test.ex>\nDATA\nFrom: sender@test.ex\nSubject: dsn test\n\nline 1\n.\nQUIT\n"
	s.run(t, "EXIM -odi -bs >/dev/null", input)
	orig, notices := s.messages(t)
	// Exim's chain of deliveries: the reverse of the order they were logged.
	var delivered []Delivered
	for _, r := range []struct {
		addr, orcpt string
		flags       int
	}{
		{"u3@test.ex", "", 0},
		{"u2@test.ex", "", spool.DSNNotifySuccess},
		{"u1@test.ex", "rfc822;o1@test.ex", spool.DSNNotifySuccess | spool.DSNNotifyFailure},
	} {
		a := item.New(r.addr)
		a.ORCPT, a.DSNFlags = r.orcpt, r.flags
		delivered = append(delivered, Delivered{Address: a})
	}
	n, err := Success(s.cfg, nil, orig.message(), delivered, boundaryTime(notices[0]))
	if err != nil || n == nil {
		t.Fatalf("no report: %v", err)
	}
	if !strings.Contains(notices[0].piped(), "\nSubject: Delivery Status Notification\n") {
		t.Fatalf("Exim's notice is not a success report:\n%s", notices[0].piped())
	}
	compare(t, "success report", string(n.Data), notices[0].piped())
}
