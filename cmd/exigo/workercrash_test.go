package main_test

import (
	"bufio"
	"fmt"
	"math/rand"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Crash safety of the delivery worker: run as root, exigo delivers to a
// Maildir through its worker process (as nobody), which is killed with
// SIGKILL at random moments while messages come in. The deliveries it
// had under way are deferred and retried by the queue runs; every
// accepted message must arrive.
func TestDeliveryWorkerCrashSafety(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody in a worker)")
	}
	bin := buildExigo(t)
	d := startDaemon(t, bin, `
primary_hostname = myhost.test.ex
spool_directory = DATA/spool
log_file_path = DATA/log/%slog
daemon_smtp_ports = PORT
local_interfaces = 127.0.0.1
acl_smtp_rcpt = accept
begin routers
local:
  driver = accept
  transport = box
begin transports
box:
  driver = appendfile
  directory = DATA/Maildir
  maildir_format
  create_directory
  user = nobody
begin retry
* * F,1h,1s
`, "-q1s")
	for p := d.data; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
		os.Chmod(p, 0o755)
	}
	os.Mkdir(filepath.Join(d.data, "Maildir"), 0o777)
	os.Chmod(filepath.Join(d.data, "Maildir"), 0o777)

	const total = 200
	acked := map[string]bool{}
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	kills, nextKill := 0, time.Now()
	for n := 0; n < total; n++ {
		if time.Now().After(nextKill) {
			kills += killWorkers(d.conf)
			nextKill = time.Now().Add(time.Duration(20+rng.Intn(40)) * time.Millisecond)
		}
		mid := fmt.Sprintf("<w%d@test>", n)
		c, err := net.Dial("tcp", d.addr)
		if err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(c)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		readReply(r)
		fmt.Fprintf(c, "EHLO crash.example\r\n")
		readReply(r)
		if err := sendIDMessageTo(c, r, fmt.Sprintf("u%d@myhost.test.ex", n), mid); err == nil {
			acked[mid] = true
		}
		c.Close()
	}
	if kills == 0 {
		t.Fatal("no worker was ever killed")
	}
	delivered, missing := awaitDelivered(t, filepath.Join(d.data, "Maildir", "new"), acked, 30*time.Second)
	dups := 0
	for _, n := range delivered {
		if n > 1 {
			dups += n - 1
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d accepted messages never delivered\n%s", missing, len(acked), d.mainlog(t))
	}
	t.Logf("%d messages accepted, %d workers killed, %d duplicate deliveries", len(acked), kills, dups)
}

// killWorkers sends SIGKILL to the -MCworker processes running conf.
func killWorkers(conf string) int {
	n := 0
	for _, pid := range workerPIDs(conf) {
		if syscall.Kill(pid, syscall.SIGKILL) == nil {
			n++
		}
	}
	return n
}
