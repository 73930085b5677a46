package pipe

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"exigo/internal/conf"
	"exigo/internal/item"
	"exigo/internal/transport/eximtest"
)

// pipeConf routes each local part to the transport of the same name.
// The commands write what they got into OUT (DIR/exim or DIR/ours).
const pipeConf = `
primary_hostname = test.example
qualify_domain = test.example
begin routers
r:
  driver = accept
  local_parts = cat:exit3:exit75:exit69:signal:notfound:tainted:batch:shell:bsmtp:retout:notallowed:restricted:umask:timeout:envset
  transport = $local_part_data
begin transports
cat:
  driver = pipe
  command = /bin/sh -c 'cat > OUT/cat; env | sort > OUT/cat.env; echo "\$0|\$1" > OUT/cat.args' "arg zero" 'arg one'
  USER
exit3:
  driver = pipe
  command = /bin/sh -c "echo out; exit 3" "arg two"
  USER
exit75:
  driver = pipe
  command = /bin/sh -c "exit 75"
  USER
exit69:
  driver = pipe
  command = /bin/sh "-c" "exit 69"
  USER
signal:
  driver = pipe
  command = /bin/sh -c 'kill -9 \$\$'
  USER
notfound:
  driver = pipe
  command = nosuchcommand arg
  USER
tainted:
  driver = pipe
  command = /bin/echo $local_part
  USER
batch:
  driver = pipe
  command = /bin/sh -c 'cat > OUT/batch; env | sort > OUT/batch.env; echo "\$@" > OUT/batch.args' sh $pipe_addresses
  batch_max = 10
  USER
shell:
  driver = pipe
  command = echo $local_part_data "\$SENDER" > OUT/shell
  use_shell
  USER
bsmtp:
  driver = pipe
  command = /bin/sh -c 'cat > OUT/bsmtp'
  use_bsmtp
  use_crlf
  USER
retout:
  driver = pipe
  command = /bin/echo some output
  return_output
  USER
notallowed:
  driver = pipe
  command = /bin/false
  allow_commands = /bin/true
  USER
restricted:
  driver = pipe
  command = /bin/echo x
  restrict_to_path
  USER
umask:
  driver = pipe
  command = /bin/sh -c 'touch OUT/umask'
  umask = 077
  USER
timeout:
  driver = pipe
  command = /bin/sleep 5
  timeout = 1s
  USER
envset:
  driver = pipe
  command = /bin/sh -c 'env | sort > OUT/envset'
  environment = A=1 : B=two words
  USER
`

const pipeMessage = `From: Someone <someone@example.org>
Subject: pipe test
.Dotted: header

From the start
.dot
body`

var pipeLocalParts = []string{"cat", "exit3", "exit75", "exit69", "signal", "notfound", "tainted", "batch",
	"shell", "bsmtp", "retout", "notallowed", "restricted", "umask", "timeout", "envset"}

// TestSameAsExim has Debian's Exim 4.96 and this transport deliver the
// same spooled message through the same pipe transports, and compares
// the outcomes (result, error number, message text) and what the
// commands were given (standard input, environment, arguments).
func TestSameAsExim(t *testing.T) {
	var rcpts []string
	for _, lp := range pipeLocalParts {
		rcpts = append(rcpts, lp+"@test.example")
	}
	rcpts = append(rcpts, "batch2@test.example")
	text := strings.Replace(pipeConf, "local_parts = cat:", "local_parts = batch2:cat:", 1)
	text = strings.Replace(text, "transport = $local_part_data", "transport = ${sg{$local_part_data}{2}{}}", 1)
	e := eximtest.New(t, strings.ReplaceAll(strings.ReplaceAll(text, "OUT", "DIR/exim"), "USER", "user = nobody"))
	for _, sub := range []string{"exim", "ours"} {
		os.Mkdir(filepath.Join(e.Dir, sub), 0o777)
		os.Chmod(filepath.Join(e.Dir, sub), 0o777)
	}
	msg := e.Queue(pipeMessage, "sender@example.org", rcpts...)
	e.Run("", "-M", msg.ID)
	exim := e.Outcomes()

	ours := strings.ReplaceAll(strings.ReplaceAll(text, "OUT", e.Dir+"/ours"), "USER\n", "")
	cfg, err := conf.Parse("pipe.conf", ours, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*item.Address{}
	for _, lp := range pipeLocalParts {
		tp, err := New(cfg.Transport(lp))
		if err != nil {
			t.Fatal(err)
		}
		addrs := []*item.Address{item.New(lp + "@test.example")}
		if lp == "batch" {
			addrs = append(addrs, item.New("batch2@test.example"))
		}
		deliverAsDeliveryProcess(t, cfg, tp, msg, addrs)
		for _, a := range addrs {
			got[a.Address] = a
		}
	}
	for addr, want := range exim {
		a := got[addr]
		if a == nil {
			t.Errorf("%s: not delivered here", addr)
			continue
		}
		msg := strings.ReplaceAll(a.Message, "/ours", "/exim")
		if r := outcome(a); r != want.Result || (want.Result != "=>" && want.Result != "->" && msg != want.Text) {
			t.Errorf("%s: got %s %q, Exim %s %q", addr, r, a.Message, want.Result, want.Text)
		}
		if want.Errno != "" && want.Errno != itoa(a.BasicErrno) {
			t.Errorf("%s: errno %d, Exim %s", addr, a.BasicErrno, want.Errno)
		}
	}
	compareOutputs(t, e.Dir)
}

func outcome(a *item.Address) string {
	switch a.Result {
	case item.OK:
		if strings.HasPrefix(a.Address, "batch2") {
			return "->"
		}
		return "=>"
	case item.Defer:
		return "=="
	}
	return "**"
}

func itoa(n int) string { return strconv.Itoa(n) }

// compareOutputs compares the files the commands wrote: the "From " line
// times and the directories' names aside.
func compareOutputs(t *testing.T, dir string) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "exim", "*"))
	if len(names) == 0 {
		t.Fatal("Exim's commands wrote nothing")
	}
	from := regexp.MustCompile(`(?m)^From sender@example.org .*$`)
	for _, name := range names {
		base := filepath.Base(name)
		want, _ := os.ReadFile(name)
		got, err := os.ReadFile(filepath.Join(dir, "ours", base))
		if err != nil {
			t.Errorf("%s: %v", base, err)
			continue
		}
		w := from.ReplaceAllString(strings.ReplaceAll(string(want), "/exim", "/OUT"), "From DATE")
		g := from.ReplaceAllString(strings.ReplaceAll(string(got), "/ours", "/OUT"), "From DATE")
		if g != w {
			t.Errorf("%s differs:\n%s\nExim:\n%s", base, g, w)
		}
		if base == "umask" {
			ws, _ := os.Stat(name)
			gs, _ := os.Stat(filepath.Join(dir, "ours", base))
			if ws.Mode() != gs.Mode() {
				t.Errorf("umask: mode %v, Exim %v", gs.Mode(), ws.Mode())
			}
		}
	}
	sort.Strings(names)
	t.Logf("compared %d files: %v", len(names), names)
}
