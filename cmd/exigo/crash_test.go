package main_test

import (
	"bufio"
	"fmt"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"exigo/internal/spool"
)

// crashBody is message n's body as sent (CRLF) and as spooled (LF).
func crashBody(n int) (wire, spooled string) {
	var b strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "message %d line %d %s\n", n, i, strings.Repeat("z", 60))
	}
	s := b.String()
	return "Subject: crash " + fmt.Sprint(n) + "\r\nMessage-Id: <crash." + fmt.Sprint(n) + "@test>\r\n\r\n" + strings.ReplaceAll(s, "\n", "\r\n"), s
}

// sendOne runs one SMTP transaction; it returns the id of a message the
// server answered 250 for.
func sendOne(c net.Conn, r *bufio.Reader, n int) (string, error) {
	c.SetDeadline(time.Now().Add(5 * time.Second))
	wire, _ := crashBody(n)
	fmt.Fprintf(c, "MAIL FROM:<load@example.org>\r\nRCPT TO:<postmaster@localhost>\r\nDATA\r\n")
	for i := 0; i < 3; i++ {
		l, err := readReply(r)
		if err != nil {
			return "", err
		}
		if i < 2 && !strings.HasPrefix(l, "250") || i == 2 && !strings.HasPrefix(l, "354") {
			return "", fmt.Errorf("reply %q", l)
		}
	}
	fmt.Fprintf(c, "%s.\r\n", wire)
	l, err := readReply(r)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(l, "250 OK id=") {
		return "", fmt.Errorf("end of data: %q", l)
	}
	return strings.TrimSpace(strings.TrimPrefix(l, "250 OK id=")), nil
}

func readReply(r *bufio.Reader) (string, error) {
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		if len(l) < 4 || l[3] != '-' {
			return l, nil
		}
	}
}

// Crash safety: 500 messages over 8 connections while the daemon is
// killed with SIGKILL at random moments; every message answered 250 must
// be in the spool intact, and nothing half-written may remain.
func TestCrashSafety(t *testing.T) {
	bin := buildExigo(t)
	d := startDaemon(t, bin, strictConfCrash)
	const total, conns, minKills = 500, 8, 5
	var mu sync.Mutex
	acked := map[string]int{} // id -> message number
	next := 0
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				c, err := net.Dial("tcp", d.addr)
				if err != nil {
					time.Sleep(20 * time.Millisecond)
					continue
				}
				r := bufio.NewReader(c)
				c.SetDeadline(time.Now().Add(5 * time.Second))
				if _, err := readReply(r); err != nil {
					c.Close()
					continue
				}
				fmt.Fprintf(c, "EHLO crash.example\r\n")
				if _, err := readReply(r); err != nil {
					c.Close()
					continue
				}
				for {
					mu.Lock()
					if len(acked) >= total {
						mu.Unlock()
						c.Close()
						return
					}
					n := next
					next++
					mu.Unlock()
					id, err := sendOne(c, r, n)
					if err != nil {
						break
					}
					mu.Lock()
					acked[id] = n
					mu.Unlock()
				}
				c.Close()
			}
		}()
	}
	kills := 0
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	for {
		time.Sleep(time.Duration(50+rng.Intn(250)) * time.Millisecond)
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= total && kills >= minKills {
			break
		}
		if kills < minKills || rng.Intn(2) == 0 {
			d.cmd.Process.Signal(syscall.SIGKILL)
			d.cmd.Wait()
			kills++
			d.restart(t, bin)
		}
	}
	close(done)
	wg.Wait()
	d.stop()
	// One more start and stop tidies what the last kill left.
	d.restart(t, bin)
	d.stop()
	t.Logf("%d messages acknowledged, %d kills, %d transactions started", len(acked), kills, next)
	checkCrashSpool(t, d, acked)
}

// strictConfCrash keeps accepted messages in the queue (queue_only): the
// receiving tests look at the spool.
const strictConfCrash = `
primary_hostname = myhost.test.ex
queue_only
spool_directory = DATA/spool
log_file_path = DATA/log/%slog
daemon_smtp_ports = PORT
local_interfaces = 127.0.0.1
acl_smtp_rcpt = accept
`

// restart starts the daemon again on the same port and spool.
func (d *daemon) restart(t *testing.T, bin string) {
	t.Helper()
	d.cmd = exec.Command(bin, d.cmd.Args[1:]...)
	d.cmd.Env = append(os.Environ(), "EXIGO_DATA_DIR="+d.data, "EXIGO_NO_SYSTEM_RESOLVER=1")
	d.cmd.Stderr = d.logs
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if c, err := net.Dial("tcp", d.addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("daemon did not restart: %s", d.logs)
}

func checkCrashSpool(t *testing.T, d *daemon, acked map[string]int) {
	input := filepath.Join(d.data, "spool", "input")
	entries, err := os.ReadDir(input)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, e := range entries {
		files[e.Name()] = true
	}
	for id, n := range acked {
		_, spooled := crashBody(n)
		data, err := os.ReadFile(filepath.Join(input, id+"-D"))
		if err != nil {
			t.Errorf("message %d (%s): -D missing: %v", n, id, err)
			continue
		}
		if string(data) != id+"-D\n"+spooled {
			t.Errorf("message %d (%s): -D has %d bytes, want %d", n, id, len(data), len(id)+3+len(spooled))
		}
		h, err := spool.ReadHeaderFile(filepath.Join(input, id+"-H"))
		if err != nil {
			t.Errorf("message %d (%s): -H unreadable: %v", n, id, err)
			continue
		}
		if len(h.Recipients) != 1 || h.Recipients[0].Address != "postmaster@localhost" || h.Sender != "load@example.org" {
			t.Errorf("message %d (%s): envelope %q %+v", n, id, h.Sender, h.Recipients)
		}
		delete(files, id+"-D")
		delete(files, id+"-H")
	}
	// What remains may only be complete messages whose 250 was lost with
	// the connection; no lone -D, no temporary -H.
	var extra []string
	for name := range files {
		extra = append(extra, name)
	}
	sort.Strings(extra)
	for _, name := range extra {
		switch {
		case strings.HasSuffix(name, "-H"):
			if !files[strings.TrimSuffix(name, "-H")+"-D"] {
				t.Errorf("%s without its -D file", name)
			}
		case strings.HasSuffix(name, "-D"):
			if !files[strings.TrimSuffix(name, "-D")+"-H"] {
				t.Errorf("half-written message left: %s", name)
			}
		default:
			t.Errorf("unexpected file left in input/: %s", name)
		}
	}
	if len(acked) < 500 {
		t.Errorf("only %d messages acknowledged", len(acked))
	}
}
