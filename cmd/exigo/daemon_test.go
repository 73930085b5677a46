package main_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// daemon is a running "exigo -bd" started by a test.
type daemon struct {
	cmd  *exec.Cmd
	addr string
	data string // EXIGO_DATA_DIR
	conf string
	logs *strings.Builder
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startDaemon runs exigo -bd on a free loopback port, with the built-in
// configuration when conf is "" and otherwise with conf (in which PORT
// and DATA are replaced).
func startDaemon(t *testing.T, bin, conf string, extra ...string) *daemon {
	t.Helper()
	port := freePort(t)
	d := &daemon{data: t.TempDir(), addr: fmt.Sprintf("127.0.0.1:%d", port), logs: &strings.Builder{}}
	args := []string{"-bd", "-oX", fmt.Sprint(port)}
	if conf != "" {
		conf = strings.ReplaceAll(conf, "PORT", fmt.Sprint(port))
		conf = strings.ReplaceAll(conf, "DATA", d.data)
		d.conf = filepath.Join(d.data, "exigo.conf")
		if err := os.WriteFile(d.conf, []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append([]string{"-C", d.conf}, args...)
	}
	args = append(args, extra...)
	d.cmd = exec.Command(bin, args...)
	d.cmd.Env = append(os.Environ(), "EXIGO_DATA_DIR="+d.data, "EXIGO_NO_SYSTEM_RESOLVER=1")
	d.cmd.Stderr = d.logs
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.stop() })
	for i := 0; i < 200; i++ {
		if c, err := net.Dial("tcp", d.addr); err == nil {
			c.Close()
			return d
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("daemon did not start: %s", d.logs)
	return nil
}

func (d *daemon) stop() {
	if d.cmd.ProcessState != nil {
		return
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		d.cmd.Process.Kill()
		<-done
	}
}

func (d *daemon) mainlog(t *testing.T) string {
	b, _ := os.ReadFile(filepath.Join(d.data, "log", "mainlog"))
	return string(b)
}

// spoolIDs lists the messages in the daemon's spool.
func (d *daemon) spoolIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	filepath.Walk(filepath.Join(d.data, "spool", "input"), func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, "-H") {
			ids = append(ids, strings.TrimSuffix(filepath.Base(p), "-H"))
		}
		return nil
	})
	return ids
}

// client is a raw SMTP connection for protocol tests.
type client struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	t.Cleanup(func() { c.Close() })
	return &client{t: t, c: c, r: bufio.NewReader(c)}
}

// reply reads one (possibly multi-line) reply.
func (c *client) reply() string {
	c.t.Helper()
	var lines []string
	for {
		l, err := c.r.ReadString('\n')
		if err != nil {
			return strings.Join(lines, "\n") + fmt.Sprintf("<%v>", err)
		}
		l = strings.TrimRight(l, "\r\n")
		lines = append(lines, l)
		if len(l) < 4 || l[3] != '-' {
			return strings.Join(lines, "\n")
		}
	}
}

func (c *client) send(s string) {
	c.t.Helper()
	if _, err := c.c.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// cmd sends a line and returns the reply.
func (c *client) cmd(line string) string {
	c.send(line + "\r\n")
	return c.reply()
}

func expectPrefix(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.HasPrefix(got, want) {
		t.Fatalf("%s: got %q, want %q...", what, got, want)
	}
}

func netDial(addr string) (net.Conn, error) { return net.Dial("tcp", addr) }
