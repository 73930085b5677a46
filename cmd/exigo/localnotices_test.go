package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// noticesConf has a mailbox with a 2K quota that warns at half of it,
// and a pipe whose command prints two lines and exits 1; the sender's
// own mail goes to a mailbox of its own. As root, the local deliveries
// run as nobody in worker processes.
const noticesConf = `primary_hostname = test.ex
qualify_domain = test.ex
spool_directory = DIR/spool
log_file_path = DIR/log/%slog
begin routers
alias:
  driver = redirect
  local_parts = piped
  data = |DIR/prog.sh
  pipe_transport = ptp
box:
  driver = accept
  local_parts = box
  transport = box
sender:
  driver = accept
  local_parts = sender
  transport = sender
p:
  driver = accept
  local_parts = p
  transport = ptp
begin transports
box:
  driver = appendfile
  file = DIR/box
  user = nobody
  quota = 2K
  quota_warn_threshold = 50%
sender:
  driver = appendfile
  file = DIR/sender
  user = nobody
ptp:
  driver = pipe
  command = DIR/prog.sh
  return_fail_output
  log_output
  user = nobody
`

func noticesSetup(t *testing.T) (bin, dir, conf string) {
	t.Helper()
	bin = buildExigo(t)
	dir, err := os.MkdirTemp("", "exigo-notices-")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("KEEP") == "" {
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	os.Chmod(dir, 0o777)
	os.WriteFile(filepath.Join(dir, "prog.sh"), []byte("#!/bin/sh\necho \"prog says: no such thing\"\necho second line\nexit 1\n"), 0o755)
	conf = filepath.Join(dir, "conf")
	os.WriteFile(conf, []byte(strings.ReplaceAll(noticesConf, "DIR", dir)), 0o644)
	return bin, dir, conf
}

// submitLocal has exigo receive and deliver a message: as the user
// running the tests, or (unprivileged, when that is root) as nobody, so
// that deliveries run in exigo's own process instead of workers.
func submitLocal(t *testing.T, bin, conf, dir, body string, rcpts ...string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-C", conf, "-odi", "-f", "sender@test.ex"}, rcpts...)...)
	cmd.Env = append(os.Environ(), "EXIGO_NO_SYSTEM_RESOLVER=1")
	cmd.Stdin = strings.NewReader(body)
	if unprivileged {
		asUnprivileged(t, cmd, dir, filepath.Join(dir, "spool"), filepath.Join(dir, "log"))
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("exigo: %v\n%s", err, out)
	}
}

// A delivery that takes the mailbox over quota_warn_threshold sends the
// default quota_warn_message to the mailbox's owner, once; it is logged
// as a message from <> referring to the delivered one, before the
// delivery's own line, as Exim does.
func TestQuotaWarningDelivered(t *testing.T) {
	bin, dir, conf := noticesSetup(t)
	body := "Subject: fill\n\n" + strings.Repeat(strings.Repeat("x", 70)+"\n", 10)
	submitLocal(t, bin, conf, dir, body, "box@test.ex")
	submitLocal(t, bin, conf, dir, "Subject: small\n\nsmall one\n", "box@test.ex")
	box := readFile(t, filepath.Join(dir, "box"))
	log := readFile(t, filepath.Join(dir, "log", "mainlog"))
	if n := strings.Count(box, "Subject: Your mailbox\n"); n != 1 {
		t.Fatalf("%d warnings in the mailbox:\n%s\nmainlog:\n%s", n, box, log)
	}
	for _, want := range []string{"\nAuto-Submitted: auto-replied\n", "\nFrom: Mail Delivery System <Mailer-Daemon@test.ex>\n",
		"\nTo: box@test.ex\n", "The size of your mailbox has exceeded a warning threshold that is\nset by the system administrator.\n",
		"From MAILER-DAEMON "} {
		if !strings.Contains(box, want) {
			t.Errorf("the mailbox lacks %q:\n%s", want, box)
		}
	}
	lines := strings.Split(log, "\n")
	first := ""
	for i, l := range lines {
		if strings.Contains(l, "<= sender@test.ex") {
			first = strings.Fields(l)[2]
			if i+2 >= len(lines) || !strings.Contains(lines[i+1], "<= <> R="+first+" ") ||
				!strings.Contains(lines[i+2], first+" => box <box@test.ex> R=box T=box") {
				t.Errorf("no warning logged before the delivery:\n%s", log)
			}
			break
		}
	}
	if strings.Count(log, "<= <> R=") != 1 {
		t.Errorf("mainlog:\n%s", log)
	}
}

// A pipe that prints and exits 1 with return_fail_output: the failure
// report carries its output under Exim's heading, for the pipe named in
// the router and for one an alias generated; log_output logs the first
// line.
func TestPipeOutputReturned(t *testing.T) {
	for _, u := range []bool{false, true} {
		unprivileged = u
		t.Run(map[bool]string{false: "as invoked", true: "unprivileged"}[u], testPipeOutputReturned)
	}
	unprivileged = false
}

// unprivileged: submitLocal runs exigo as nobody.
var unprivileged bool

func testPipeOutputReturned(t *testing.T) {
	bin, dir, conf := noticesSetup(t)
	submitLocal(t, bin, conf, dir, "Subject: pipe\n\nhello\n", "p@test.ex", "piped@test.ex")
	log := readFile(t, filepath.Join(dir, "log", "mainlog"))
	for _, want := range []string{
		"<p@test.ex>: ptp transport output: prog says: no such thing",
		"<|" + dir + "/prog.sh>: ptp transport output: prog says: no such thing",
		"** p@test.ex R=p T=ptp: Child process of ptp transport returned 1 from command: " + dir + "/prog.sh",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("mainlog lacks %q:\n%s", want, log)
		}
	}
	bounce := readFile(t, filepath.Join(dir, "sender"))
	// (The order of the two may differ from Exim's: routing order.)
	for _, want := range []string{
		"  p@test.ex\n    local delivery failed\n",
		"  pipe to |" + dir + "/prog.sh\n    generated by piped@test.ex\n    local delivery failed\n",
		"\nThe following text was generated during the delivery attempts:\n\n------ ",
		"\n------ p@test.ex ------\n\nprog says: no such thing\nsecond line\n\n",
		"\n------ pipe to |" + dir + "/prog.sh\n       generated by piped@test.ex ------\n\nprog says: no such thing\nsecond line\n\n",
	} {
		if !strings.Contains(bounce, want) {
			t.Errorf("the failure report lacks %q:\n%s", want, bounce)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "spool", "msglog", "*")); len(left) != 0 {
		t.Errorf("left in msglog: %v", left)
	}
}
