package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"exigo/internal/transport/eximtest"
)

// filterShadowConf is run by Debian's Exim and by exigo (as root, so
// the deliveries run as nobody in exigo's delivery worker): a filter
// on an mbox with a shadow copy that has a filter of its own, a failing
// filter, shadow_condition true and false, a failing shadow.
const filterShadowConf = `primary_hostname = test.example
qualify_domain = test.example
ROUTERS
begin transports
up:
  driver = appendfile
  file = OUT/up
  user = nobody
  transport_filter = /usr/bin/tr a-z A-Z
  shadow_transport = copy
false:
  driver = appendfile
  file = OUT/false
  user = nobody
  transport_filter = /bin/sh -c 'cat >/dev/null; exit 3'
sh:
  driver = appendfile
  file = OUT/sh
  user = nobody
  shadow_transport = copy
  shadow_condition = ${if eq{$local_part}{sh}}
nocond:
  driver = appendfile
  file = OUT/nocond
  user = nobody
  shadow_transport = copy
  shadow_condition = ${if eq{$local_part}{sh}}
shfail:
  driver = appendfile
  file = OUT/shfail
  user = nobody
  shadow_transport = broken
copy:
  driver = appendfile
  file = OUT/copy
  user = nobody
  envelope_to_add
  transport_filter = /bin/sed s/^Subject:/X-Shadow-Subject:/
broken:
  driver = appendfile
  file = OUT/broken
  user = nobody
  transport_filter = /bin/false
begin retry
* * F,1h,10m
`

var filterLocalParts = []string{"up", "false", "sh", "nocond", "shfail"}

func filterShadowConfig(out string) string {
	r := "begin routers\n"
	for _, lp := range filterLocalParts {
		r += lp + ":\n  driver = accept\n  local_parts = " + lp + "\n  transport = " + lp + "\n"
	}
	return strings.ReplaceAll(strings.ReplaceAll(filterShadowConf, "ROUTERS", r), "OUT", out)
}

// TestFilterAndShadowLikeExim: Exim spools a message; Exim and exigo
// each deliver that same spooled message (-M); the mailboxes must be
// byte for byte the same and the main log's delivery lines too.
func TestFilterAndShadowLikeExim(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root (deliveries as nobody)")
	}
	e := eximtest.New(t, filterShadowConfig("DIR/exim"))
	bin := buildExigo(t)
	ours := filepath.Join(e.Dir, "ours")
	for _, d := range []string{"exim", "ours"} {
		os.Mkdir(filepath.Join(e.Dir, d), 0o777)
		os.Chmod(filepath.Join(e.Dir, d), 0o777)
	}
	var rcpts []string
	for _, lp := range filterLocalParts {
		rcpts = append(rcpts, lp+"@test.example")
	}
	msg := e.Queue("From: a@b\nSubject: hello\n\nbody line\nFrom here\n.dot\n", "s@example.org", rcpts...)

	// exigo's spool gets a copy of Exim's -H and -D files.
	spool := filepath.Join(e.Dir, "exigo-spool")
	os.MkdirAll(filepath.Join(spool, "input"), 0o750)
	for _, f := range []string{"-H", "-D"} {
		b, err := os.ReadFile(filepath.Join(e.Dir, "spool", "input", msg.ID+f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(spool, "input", msg.ID+f), b, 0o640)
	}
	conf := filepath.Join(e.Dir, "exigo.conf")
	os.WriteFile(conf, []byte("spool_directory = "+spool+"\nlog_file_path = "+e.Dir+"/exigo-%slog\n"+filterShadowConfig(ours)), 0o644)

	e.Run("", "-M", msg.ID)
	cmd := exec.Command(bin, "-C", conf, "-M", msg.ID)
	cmd.Env = append(os.Environ(), "EXIGO_NO_SYSTEM_RESOLVER=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("exigo -M: %v\n%s", err, out)
	}

	from := regexp.MustCompile(`(?m)^From s@example.org .*$|(?m)^Delivery-date: .*$`)
	for _, f := range []string{"up", "false", "sh", "nocond", "shfail", "copy", "broken"} {
		want := from.ReplaceAllString(readFile(t, filepath.Join(e.Dir, "exim", f)), "DATE")
		got := from.ReplaceAllString(readFile(t, filepath.Join(ours, f)), "DATE")
		if got != want {
			t.Errorf("%s differs:\n%q\nExim:\n%q", f, got, want)
		}
	}
	want := deliveryLines(readFile(t, filepath.Join(e.Dir, "mainlog")), filepath.Join(e.Dir, "exim"))
	got := deliveryLines(readFile(t, filepath.Join(e.Dir, "exigo-mainlog")), ours)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("delivery lines:\n%s\nExim:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if testing.Verbose() {
		t.Logf("Exim:\n%s", strings.Join(want, "\n"))
	}
}

// deliveryLines are the =>, == and ** lines without time and id, the
// mailbox directory replaced by OUT, sorted.
func deliveryLines(log, out string) []string {
	var lines []string
	for _, l := range strings.Split(log, "\n") {
		f := strings.SplitN(l, " ", 4)
		if len(f) == 4 && (strings.HasPrefix(f[3], "=> ") || strings.HasPrefix(f[3], "== ") || strings.HasPrefix(f[3], "** ")) {
			lines = append(lines, strings.ReplaceAll(f[3], out, "OUT"))
		}
	}
	sort.Strings(lines)
	return lines
}
