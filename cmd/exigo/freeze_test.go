package main_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"exigo/internal/transport/eximtest"
)

// Freezing as Exim does it: a bounce (null sender) whose recipient fails
// is kept frozen "(delivery error message)" rather than discarded, and
// a router's self = freeze (a host that is this machine) freezes the
// message after logging why. The main log, the message log (with its
// unstamped "*** Frozen" line) and the -frozen flag match Exim's.
func TestFreezingLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody, Exim under -C)")
	}
	bin := buildExigo(t)
	selfConf := strings.ReplaceAll(strings.ReplaceAll(msglogRemoteConf, "  self = send\n", ""), "PORT", "2")
	for _, c := range []struct {
		name, conf string
		args       []string
	}{
		{"failed bounce", bounceOrderConf, []string{"-odi", "-f", "", "bad@test.ex"}},
		{"self = freeze", selfConf, []string{"-odi", "-f", "sender@test", "far@remote.test"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			msg := "Subject: t\n\nbody\n"
			e := eximtest.New(t, c.conf)
			e.Run(msg, c.args...)
			id := onlyMessage(t, filepath.Join(e.Dir, "spool"))

			dir := t.TempDir()
			os.Chmod(dir, 0o777)
			if out, err := runExigoConf(bin, exigoConf(t, dir, c.conf), msg, c.args...); err != nil {
				t.Fatalf("exigo: %v\n%s", err, out)
			}
			xid := onlyMessage(t, filepath.Join(dir, "spool"))
			if got, want := orderedLog(t, filepath.Join(dir, "mainlog"), dir), orderedLog(t, filepath.Join(e.Dir, "mainlog"), e.Dir); !slices.Equal(got, want) {
				t.Errorf("main log\n got %q\nwant %q (Exim's)", got, want)
			}
			if got, want := msglogLines(t, filepath.Join(dir, "spool", "msglog", xid)), msglogLines(t, filepath.Join(e.Dir, "spool", "msglog", id)); !slices.Equal(got, want) {
				t.Errorf("message log\n got %q\nwant %q (Exim's)", got, want)
			}
			if h := spoolHeader(t, filepath.Join(dir, "spool"), xid); !strings.Contains(h, "\n-frozen ") {
				t.Errorf("-H file not frozen:\n%s", h)
			}
		})
	}
}

// freezeTellConf: the remote domain's host is this machine (self =
// freeze), everything else goes to one mailbox, freeze_tell included.
const freezeTellConf = `qualify_domain = test.ex
freeze_tell = admin@test.ex
begin routers
remote:
  driver = manualroute
  domains = remote.test
  route_list = * 127.0.0.1
  transport = smtp
all:
  driver = accept
  transport = box
begin transports
smtp:
  driver = smtp
  port = 2
box:
  driver = appendfile
  file = DIR/mbox
  user = nobody
begin retry
* * F,1h,10m
`

var mboxNoise = regexp.MustCompile(`1x[\w-]{14}|\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}|\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}`)

// freeze_tell gets Exim's "Message frozen" notice, delivered like
// Exim's (the mailbox files match but for ids and dates).
func TestFreezeTellLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody, Exim under -C)")
	}
	dir, e := runBoth(t, freezeTellConf, "Subject: t\nMessage-Id: <orig@test.ex>\n\nbody\n",
		"-odi", "-f", "sender@test.ex", "far@remote.test")
	want := mboxNoise.ReplaceAllString(readFile(t, filepath.Join(e.Dir, "mbox")), "X")
	got := mboxNoise.ReplaceAllString(readFile(t, filepath.Join(dir, "mbox")), "X")
	if got != want || !strings.Contains(got, "Subject: Message frozen") {
		t.Errorf("freeze_tell mailbox\n got:\n%q\nwant (Exim's):\n%q", got, want)
	}
	if got, want := orderedLog(t, filepath.Join(dir, "mainlog"), dir), orderedLog(t, filepath.Join(e.Dir, "mainlog"), e.Dir); !slices.Equal(got, want) {
		t.Errorf("main log\n got %q\nwant %q (Exim's)", got, want)
	}
}

// -Mg as Exim does it: "cancelled by <login>" and no "**" lines; a
// normal message's sender gets a bounce; a frozen bounce is thawed
// ("Unfrozen by forced delivery") and just goes.
func TestGiveUpLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody, Exim under -C)")
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"queued message", []string{"-odq", "-f", "sender@test.ex", "good@test.ex"}},
		{"frozen bounce", []string{"-odi", "-f", "", "bad@test.ex"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, e := runBoth(t, bounceOrderConf, "Subject: t\n\nbody\n", c.args...)
			e.Run("", "-Mg", onlyMessage(t, filepath.Join(e.Dir, "spool")))
			time.Sleep(500 * time.Millisecond) // Exim's bounce delivery runs in the background
			if out, err := runExigoConf(buildExigo(t), filepath.Join(dir, "conf"), "", "-Mg", onlyMessage(t, filepath.Join(dir, "spool"))); err != nil || len(out) > 0 {
				t.Fatalf("exigo -Mg: %v\n%s", err, out)
			}
			if got, want := comparableLog(t, filepath.Join(dir, "mainlog"), dir), comparableLog(t, filepath.Join(e.Dir, "mainlog"), e.Dir); !slices.Equal(got, want) {
				t.Errorf("main log\n got %q\nwant %q (Exim's)", got, want)
			}
		})
	}
}

// timeout_frozen_after as Exim applies it in a queue run: "cancelled by
// timeout_frozen_after" and no "**" lines; the sender of a frozen
// message is told, a frozen bounce just goes.
func TestTimeoutFrozenAfterLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody, Exim under -C)")
	}
	conf := "timeout_frozen_after = 1s\n" + strings.Replace(freezeTellConf, "freeze_tell = admin@test.ex\n", "", 1)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"frozen by self", []string{"-odi", "-f", "sender@test.ex", "far@remote.test"}},
		{"frozen bounce", []string{"-odi", "-f", "", "far@remote.test"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, e := runBoth(t, conf, "Subject: t\n\nbody\n", c.args...)
			time.Sleep(2 * time.Second)
			e.Run("", "-q")
			eximDir := e.Dir
			if out, err := runExigoConf(buildExigo(t), filepath.Join(dir, "conf"), "", "-q"); err != nil {
				t.Fatalf("exigo -q: %v\n%s", err, out)
			}
			got, want := comparableLog(t, filepath.Join(dir, "mainlog"), dir), comparableLog(t, filepath.Join(eximDir, "mainlog"), eximDir)
			if !slices.Equal(got, want) || !slices.Contains(got, "cancelled by timeout_frozen_after") {
				t.Errorf("main log\n got %q\nwant %q (Exim's)", got, want)
			}
		})
	}
}
