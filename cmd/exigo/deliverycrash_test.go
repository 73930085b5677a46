package main_test

import (
	"bufio"
	"fmt"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Crash safety of delivery: messages are delivered to a Maildir while the
// daemon (and with it every delivery in progress) is killed with SIGKILL
// at random moments. Every accepted message must be delivered at least
// once; duplicates are counted and reported.
func TestDeliveryCrashSafety(t *testing.T) {
	bin := buildExigo(t)
	data := t.TempDir()
	os.Chmod(data, 0o755)
	port := freePort(t)
	conf := filepath.Join(data, "conf")
	os.WriteFile(conf, []byte(fmt.Sprintf(`
primary_hostname = myhost.test.ex
spool_directory = %[1]s/spool
log_file_path = %[1]s/log/%%slog
daemon_smtp_ports = %[2]d
local_interfaces = 127.0.0.1
acl_smtp_rcpt = accept
begin routers
local:
  driver = accept
  transport = box
begin transports
box:
  driver = appendfile
  directory = %[1]s/Maildir
  maildir_format
  create_directory
`, data, port)), 0o644)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	var cmd *exec.Cmd
	start := func(args ...string) {
		cmd = exec.Command(bin, append([]string{"-C", conf}, args...)...)
		cmd.Env = append(os.Environ(), "EXIGO_NO_SYSTEM_RESOLVER=1")
		asUnprivileged(t, cmd, data)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	start("-bd", "-q1s")
	defer func() { cmd.Process.Kill(); cmd.Wait() }()

	const total, conns = 300, 8
	var mu sync.Mutex
	acked := map[string]bool{} // Message-Id of each accepted message
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
				c, err := net.Dial("tcp", addr)
				if err != nil {
					time.Sleep(20 * time.Millisecond)
					continue
				}
				r := bufio.NewReader(c)
				c.SetDeadline(time.Now().Add(5 * time.Second))
				readReply(r)
				fmt.Fprintf(c, "EHLO crash.example\r\n")
				readReply(r)
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
					mid := fmt.Sprintf("<d%d@test>", n)
					if err := sendIDMessage(c, r, mid); err != nil {
						break
					}
					mu.Lock()
					acked[mid] = true
					mu.Unlock()
				}
				c.Close()
			}
		}()
	}
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	kills := 0
	for {
		time.Sleep(time.Duration(100+rng.Intn(300)) * time.Millisecond)
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= total && kills >= 5 {
			break
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		kills++
		start("-bd", "-q1s")
	}
	close(done)
	wg.Wait()
	// Let queue runs finish what the kills interrupted.
	delivered, _ := awaitDelivered(t, filepath.Join(data, "Maildir", "new"), acked, 30*time.Second)
	dups := 0
	for mid := range acked {
		if delivered[mid] == 0 {
			t.Errorf("message %s was accepted but never delivered", mid)
		}
		if delivered[mid] > 1 {
			dups += delivered[mid] - 1
		}
	}
	t.Logf("%d messages accepted, %d kills, %d duplicate deliveries", len(acked), kills, dups)
}

func sendIDMessage(c net.Conn, r *bufio.Reader, mid string) error {
	return sendIDMessageTo(c, r, "u@myhost.test.ex", mid)
}

// sendIDMessageTo sends one message with Message-Id mid to rcpt.
func sendIDMessageTo(c net.Conn, r *bufio.Reader, rcpt, mid string) error {
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "MAIL FROM:<s@example.org>\r\nRCPT TO:<%s>\r\nDATA\r\n", rcpt)
	for i := 0; i < 3; i++ {
		l, err := readReply(r)
		if err != nil {
			return err
		}
		if i < 2 && !strings.HasPrefix(l, "250") || i == 2 && !strings.HasPrefix(l, "354") {
			return fmt.Errorf("reply %q", l)
		}
	}
	fmt.Fprintf(c, "Message-Id: %s\r\nSubject: crash\r\n\r\nbody\r\n.\r\n", mid)
	l, err := readReply(r)
	if err != nil || !strings.HasPrefix(l, "250 OK id=") {
		return fmt.Errorf("end of data: %q %v", l, err)
	}
	return nil
}

// awaitDelivered waits up to limit for every acknowledged message to be
// in the Maildir directory dir; it returns the count of each Message-Id
// there and how many acknowledged ones are missing.
func awaitDelivered(t *testing.T, dir string, acked map[string]bool, limit time.Duration) (map[string]int, int) {
	var delivered map[string]int
	missing := 0
	for end := time.Now().Add(limit); ; time.Sleep(250 * time.Millisecond) {
		delivered = maildirIDs(t, dir)
		missing = 0
		for mid := range acked {
			if delivered[mid] == 0 {
				missing++
			}
		}
		if missing == 0 || time.Now().After(end) {
			return delivered, missing
		}
	}
}

// maildirIDs counts delivered messages by Message-Id.
func maildirIDs(t *testing.T, dir string) map[string]int {
	out := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "Message-Id: ") {
				out[strings.TrimPrefix(l, "Message-Id: ")]++
				break
			}
		}
	}
	return out
}
