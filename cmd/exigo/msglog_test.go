package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"exigo/internal/transport/eximtest"
)

// msglogConf: a list redirecting to a good and a failing address, an
// address whose pipe defers, and one more good address.
const msglogConf = `primary_hostname = mx.test
qualify_domain = test
begin routers
alias:
  driver = redirect
  local_parts = list
  data = good@test, bad@test
fail:
  driver = redirect
  local_parts = bad
  allow_fail
  data = :fail: no such user
later:
  driver = accept
  local_parts = later
  transport = tempfail
good:
  driver = accept
  transport = box
begin transports
box:
  driver = appendfile
  file = DIR/mbox
  user = nobody
tempfail:
  driver = pipe
  command = /bin/sh -c "exit 75"
  user = nobody
begin retry
* * F,1h,10m
`

// The message log of a message left on the queue holds the lines Exim's
// would, queued (-odq) and then after a delivery attempt (-M), which
// -Mvl prints; a message delivered completely leaves none.
func TestMessageLogLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody, Exim under -C)")
	}
	e := eximtest.New(t, strings.ReplaceAll(msglogConf, "DIR", "DIR/exim"))
	os.MkdirAll(filepath.Join(e.Dir, "exim"), 0o777)
	os.Chmod(filepath.Join(e.Dir, "exim"), 0o777)
	e.Run("Subject: t\n\nbody\n", "-odq", "-f", "sender@test", "list@test", "later@test", "good2@test")
	id := onlyMessage(t, filepath.Join(e.Dir, "spool"))
	eximH := spoolHeader(t, filepath.Join(e.Dir, "spool"), id)
	e.Run("", "-M", id)
	want := msglogLines(t, filepath.Join(e.Dir, "spool", "msglog", id))

	bin := buildExigo(t)
	dir, err := os.MkdirTemp("", "exigo-msglog-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o777)
	conf := filepath.Join(dir, "conf")
	os.WriteFile(conf, []byte("spool_directory = "+dir+"/spool\nlog_file_path = "+dir+"/%slog\n"+
		strings.ReplaceAll(msglogConf, "DIR", dir)), 0o644)
	run := func(stdin string, args ...string) string {
		cmd := exec.Command(bin, append([]string{"-C", conf}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		cmd.Env = append(os.Environ(), "EXIGO_NO_SYSTEM_RESOLVER=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("exigo %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("Subject: t\n\nbody\n", "-odq", "-f", "sender@test", "list@test", "later@test", "good2@test")
	xid := onlyMessage(t, filepath.Join(dir, "spool"))
	// The -H file is Exim's: flags, untainted ident, plain recipient
	// lines, From: without a name for a trusted caller's -f.
	if got := spoolHeader(t, filepath.Join(dir, "spool"), xid); got != eximH {
		t.Errorf("-H file\n got %q\nwant %q (Exim's)", got, eximH)
	}
	queued := msglogLines(t, filepath.Join(dir, "spool", "msglog", xid))
	if len(queued) != 1 || !strings.HasPrefix(queued[0], "Received from sender@test U=") {
		t.Fatalf("message log after reception: %q", queued)
	}
	run("", "-M", xid)
	got := msglogLines(t, filepath.Join(dir, "spool", "msglog", xid))
	if !slices.Equal(got, want) {
		t.Errorf("message log lines\n got %q\nwant %q (Exim's)", got, want)
	}
	// The main log has the same lines in the same order as Exim's.
	if got, want := attemptLines(t, filepath.Join(dir, "mainlog"), xid), attemptLines(t, filepath.Join(e.Dir, "mainlog"), id); !slices.Equal(got, want) {
		t.Errorf("main log lines\n got %q\nwant %q (Exim's)", got, want)
	}
	if out := run("", "-Mvl", xid); !strings.Contains(out, "list@test: children all complete") {
		t.Errorf("-Mvl: %q", out)
	}

	// A message delivered in one attempt leaves no message log.
	run("Subject: t\n\nbody\n", "-f", "sender@test", "good3@test")
	logs, _ := os.ReadDir(filepath.Join(dir, "spool", "msglog"))
	for _, l := range logs {
		if l.Name() != xid {
			t.Errorf("message log %s left behind", l.Name())
		}
	}
}

// onlyMessage is the id of the one message in a spool's input/.
func onlyMessage(t *testing.T, spoolDir string) string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(spoolDir, "input", "*-H"))
	if len(names) != 1 {
		t.Fatalf("spool %s holds %v", spoolDir, names)
	}
	return strings.TrimSuffix(filepath.Base(names[0]), "-H")
}

var stampAndSize = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (.*?)( S=\d+)?$`)

// msglogLines reads a message log's lines without their time stamps
// (and sizes, which differ for other reasons), in order: exigo routes
// and delivers in Exim's order.
func msglogLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if m := stampAndSize.FindStringSubmatch(l); m != nil {
			l = m[1]
		}
		out = append(out, l)
	}
	return out
}

// attemptLines are a message's main log lines after its "<=" line,
// without time stamps and id, up to the failure report's arrival.
func attemptLines(t *testing.T, path, id string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if i := strings.Index(l, " "+id+" "); i > 0 && !strings.Contains(l, " <= ") {
			out = append(out, l[i+len(id)+2:])
		}
	}
	return out
}

var volatileHeader = regexp.MustCompile(`(?m)^(\S+-H|\d{10} 0|-received_time\S* \S+)$|1x[\w-]{14}|\w{3}, \d\d \w{3} \d{4} [\d:]{8} [+-]\d{4}`)

// spoolHeader is a message's -H file with its id, times and dates
// replaced, for comparing two spools.
func spoolHeader(t *testing.T, spoolDir, id string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(spoolDir, "input", id+"-H"))
	if err != nil {
		t.Fatal(err)
	}
	return volatileHeader.ReplaceAllString(string(b), "X")
}

// msglogRemoteConf: one address routed to a loopback port where nothing
// listens.
const msglogRemoteConf = `primary_hostname = mx.test
qualify_domain = test
begin routers
remote:
  driver = manualroute
  route_list = * 127.0.0.1
  self = send
  transport = smtp
begin transports
smtp:
  driver = smtp
  port = PORT
  user = nobody
begin retry
* * F,1h,10m
`

// A remote delivery that cannot connect leaves the host's line in the
// message log ("H=127.0.0.1 [127.0.0.1] Connection refused") before the
// deferral, as Exim's smtp transport writes it there too.
func TestMessageLogHostLinesLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (Exim under -C)")
	}
	conf := strings.ReplaceAll(msglogRemoteConf, "PORT", strconv.Itoa(freePort(t)))
	e := eximtest.New(t, conf)
	e.Run("Subject: t\n\nbody\n", "-odi", "-f", "sender@test", "far@remote.test")
	id := onlyMessage(t, filepath.Join(e.Dir, "spool"))
	want := msglogLines(t, filepath.Join(e.Dir, "spool", "msglog", id))

	bin := buildExigo(t)
	dir := t.TempDir()
	xconf := exigoConf(t, dir, conf)
	if out, err := runExigoConf(bin, xconf, "Subject: t\n\nbody\n", "-odi", "-f", "sender@test", "far@remote.test"); err != nil {
		t.Fatalf("exigo: %v\n%s", err, out)
	}
	xid := onlyMessage(t, filepath.Join(dir, "spool"))
	got := msglogLines(t, filepath.Join(dir, "spool", "msglog", xid))
	if !slices.Equal(got, want) {
		t.Errorf("message log lines\n got %q\nwant %q (Exim's)", got, want)
	}
}

// mixedConf: a remote domain whose host refuses connections, and local
// deliveries into a mailbox.
const mixedConf = `primary_hostname = mx.test
qualify_domain = test
begin routers
remote:
  driver = manualroute
  domains = remote.test
  route_list = * 127.0.0.1
  self = send
  transport = smtp
local:
  driver = accept
  transport = box
begin transports
smtp:
  driver = smtp
  port = PORT
  user = nobody
box:
  driver = appendfile
  file = DIR/mbox
  user = nobody
begin retry
* * F,1h,10m
`

// Local deliveries are made before remote ones, whatever the order of
// the recipients, as Exim does: the main log matches Exim's line for line.
func TestLocalBeforeRemoteLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody, Exim under -C)")
	}
	conf := strings.ReplaceAll(mixedConf, "PORT", strconv.Itoa(freePort(t)))
	dir, e := runBoth(t, conf, "Subject: t\n\nbody\n",
		"-odi", "-f", "sender@test", "far@remote.test", "one@test", "far2@remote.test", "two@test")
	eximDir := e.Dir
	// Exim's remote transport, run as nobody here, cannot lock the
	// hints databases of this root-owned spool: those lines are left out.
	want := slices.DeleteFunc(orderedLog(t, filepath.Join(eximDir, "mainlog"), eximDir), func(l string) bool {
		return strings.HasPrefix(l, "failed to open database lock file")
	})
	if got := orderedLog(t, filepath.Join(dir, "mainlog"), dir); !slices.Equal(got, want) {
		t.Errorf("main log\n got %q\nwant %q (Exim's)", got, want)
	}
}
