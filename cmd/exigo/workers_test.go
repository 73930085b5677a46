package main_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// One worker process serves a user's deliveries side by side: a quick
// pipe delivery is not held up by a slow one for the same user, and each
// command runs in its address's home directory (the worker itself does
// not change directory, as deliveries share it).
const workersConf = `
spool_directory = DATA/spool
log_file_path = DATA/log/%slog
daemon_smtp_ports = PORT
local_interfaces = 127.0.0.1
domainlist local_domains = test.ex
acl_smtp_rcpt = accept
begin routers
slow:
  driver = accept
  local_parts = slow
  transport = slow_pipe
  user = nobody
  group = nogroup
quick:
  driver = accept
  local_parts = quick
  transport = quick_pipe
  transport_current_directory = DATA/home
  user = nobody
  group = nogroup
begin transports
slow_pipe:
  driver = pipe
  command = /bin/sh -c 'sleep 3; cat > DATA/out/slow'
quick_pipe:
  driver = pipe
  command = /bin/sh -c 'pwd > DATA/out/quick'
`

func TestWorkerServesDeliveriesSideBySide(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody)")
	}
	bin := buildExigo(t)
	d := startDaemon(t, bin, workersConf)
	for p := d.data; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
		os.Chmod(p, 0o755)
	}
	for _, sub := range []string{"out", "home"} {
		os.Mkdir(filepath.Join(d.data, sub), 0o777)
		os.Chmod(filepath.Join(d.data, sub), 0o777)
	}
	send := func(rcpt string) {
		c := dial(t, d.addr)
		expectPrefix(t, "greeting", c.reply(), "220")
		expectPrefix(t, "HELO", c.cmd("HELO x"), "250")
		expectPrefix(t, "MAIL", c.cmd("MAIL FROM:<s@test.ex>"), "250")
		expectPrefix(t, "RCPT", c.cmd("RCPT TO:<"+rcpt+"@test.ex>"), "250")
		expectPrefix(t, "DATA", c.cmd("DATA"), "354")
		expectPrefix(t, "end of data", c.cmd("Subject: "+rcpt+"\r\n\r\nbody\r\n."), "250")
		c.cmd("QUIT")
	}
	start := time.Now()
	send("slow")
	time.Sleep(300 * time.Millisecond) // the slow delivery is under way
	send("quick")
	quick := filepath.Join(d.data, "out", "quick")
	slow := filepath.Join(d.data, "out", "slow")
	defer func() {
		if t.Failed() {
			t.Log(d.mainlog(t), d.logs)
		}
	}()
	waitFile(t, quick, 10*time.Second)
	if _, err := os.Stat(slow); err == nil || time.Since(start) > 2500*time.Millisecond {
		t.Fatalf("quick delivery waited for the slow one (%v)", time.Since(start))
	}
	if n := len(workerPIDs(d.conf)); n != 1 {
		t.Errorf("%d worker processes for one user, want 1", n)
	}
	if b, _ := os.ReadFile(quick); strings.TrimSpace(string(b)) != filepath.Join(d.data, "home") {
		t.Errorf("quick pipe ran in %q, want its transport_current_directory", b)
	}
	waitFile(t, slow, 10*time.Second)
	if b, _ := os.ReadFile(slow); !strings.Contains(string(b), "Subject: slow") {
		t.Errorf("slow delivery wrote %q", b)
	}
}

// workerPIDs are the -MCworker processes running conf.
func workerPIDs(conf string) []int {
	var pids []int
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, _ := os.ReadFile(p)
		args := strings.Split(string(b), "\x00")
		if len(args) > 3 && args[2] == conf && args[3] == "-MCworker" {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			pids = append(pids, pid)
		}
	}
	return pids
}

func waitFile(t *testing.T, path string, limit time.Duration) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
			return
		}
	}
	t.Fatalf("%s did not appear", path)
}
