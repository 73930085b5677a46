package main_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// Messages deferred while their host was down are noted in the
// wait-to_b database; when the host is back, delivering one of them
// sends the others down the same connection (Exim's -MC continuation):
// the sender logs them with "*" after the host, the receiver logs all
// three as coming from one client port.
func TestWaitingMessagesShareConnection(t *testing.T) {
	bin := buildExigo(t)
	b := startDaemon(t, bin, "log_selector = +incoming_port\n"+receiverConf)
	b.stop()
	var port int
	fmt.Sscanf(b.addr, "127.0.0.1:%d", &port)

	a := t.TempDir()
	os.Chmod(a, 0o755)
	conf := filepath.Join(a, "conf")
	os.WriteFile(conf, []byte(senderConf(a, port)), 0o644)
	msg := "From: sender@sender.test\nSubject: waiting\n\nbody line\n"
	for _, r := range []string{"one@remote.test", "two@remote.test", "three@remote.test"} {
		runAs(t, a, bin, msg, "-C", conf, "-f", "sender@sender.test", r)
	}
	ids := queued(t, filepath.Join(a, "spool", "input"))
	if len(ids) != 3 {
		t.Fatalf("queued %v", ids)
	}
	dump := runAs(t, a, bin, "", "-C", conf, "-bdumpdb", "wait-to_b")
	if want := "127.0.0.1 " + strings.Join(ids, " ") + " \n"; dump != want {
		t.Fatalf("-bdumpdb wait-to_b = %q, want %q", dump, want)
	}

	// The host comes back; delivering the first message takes the
	// other two along, newest first as Exim picks them.
	restart(t, b)
	runAs(t, a, bin, "", "-C", conf, "-M", ids[0])
	log := readFile(t, filepath.Join(a, "log", "mainlog"))
	for i, want := range []string{
		ids[0] + " => one@remote.test R=remote T=to_b H=127.0.0.1 [127.0.0.1] K C=",
		ids[2] + " => three@remote.test R=remote T=to_b H=127.0.0.1 [127.0.0.1]* K C=",
		ids[1] + " => two@remote.test R=remote T=to_b H=127.0.0.1 [127.0.0.1]* K C=",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("line %d: sender's mainlog lacks %q", i, want)
		}
	}
	if left := queued(t, filepath.Join(a, "spool", "input")); len(left) != 0 {
		t.Errorf("still queued: %v", left)
	}
	if t.Failed() {
		t.Fatalf("sender's mainlog:\n%s", log)
	}
	if dump := runAs(t, a, bin, "", "-C", conf, "-bdumpdb", "wait-to_b"); dump != "" {
		t.Errorf("wait-to_b after delivery: %q", dump)
	}

	// The receiver saw the three arrive from one client port.
	var blog string
	for i := 0; i < 100; i++ {
		if blog = b.mainlog(t); strings.Count(blog, " <= ") == 3 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	ports := map[string]bool{}
	for _, m := range regexp.MustCompile(` <= .* \[127\.0\.0\.1\]:(\d+)`).FindAllStringSubmatch(blog, -1) {
		ports[m[1]] = true
	}
	if strings.Count(blog, " <= ") != 3 || len(ports) != 1 {
		t.Errorf("receiver's log: %d arrivals from ports %v:\n%s", strings.Count(blog, " <= "), ports, blog)
	}
}

// queued lists the message ids in a spool input directory, oldest first.
func queued(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*-H"))
	var ids []string
	for _, f := range files {
		ids = append(ids, strings.TrimSuffix(filepath.Base(f), "-H"))
	}
	sort.Strings(ids)
	return ids
}

// restart starts a stopped daemon again with the same arguments.
func restart(t *testing.T, d *daemon) {
	t.Helper()
	cmd := exec.Command(d.cmd.Path, d.cmd.Args[1:]...)
	cmd.Env, cmd.Stderr = d.cmd.Env, d.cmd.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.cmd = cmd
	for i := 0; i < 200; i++ {
		if c, err := net.Dial("tcp", d.addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("daemon did not restart: %s", d.logs)
}
