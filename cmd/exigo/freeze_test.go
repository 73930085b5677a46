package main_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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
	for p := filepath.Dir(bin); p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
		os.Chmod(p, 0o755) // the delivery worker runs it as nobody
	}
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
