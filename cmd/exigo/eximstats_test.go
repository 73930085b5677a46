package main_test

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Debian's eximstats reads exigo's main log and counts what it logged.
func TestEximstatsReadsMainlog(t *testing.T) {
	if _, err := exec.LookPath("eximstats"); err != nil {
		t.Skip("eximstats is not installed (apt-get install exim4-base)")
	}
	bin := buildExigo(t)
	d := startDaemon(t, bin, "")
	const accepted, rejected = 7, 3
	c := dial(t, d.addr)
	c.reply()
	c.cmd("EHLO stats.example")
	for i := 0; i < accepted; i++ {
		c.cmd("MAIL FROM:<s@example.org>")
		c.cmd("RCPT TO:<postmaster@localhost>")
		c.cmd("DATA")
		expectPrefix(t, "data", c.cmd("Subject: stats\r\n\r\nbody\r\n."), "250 OK id=")
	}
	for i := 0; i < rejected; i++ {
		c.cmd("MAIL FROM:<s@example.org>")
		expectPrefix(t, "relay", c.cmd("RCPT TO:<x@example.net>"), "550")
		c.cmd("RSET")
	}
	c.cmd("QUIT")
	time.Sleep(100 * time.Millisecond)
	out, err := exec.Command("eximstats", "-txt", filepath.Join(d.data, "log", "mainlog")).CombinedOutput()
	if err != nil {
		t.Fatalf("eximstats: %v\n%s", err, out)
	}
	received := regexp.MustCompile(`(?m)^\s+Received\s+\S+\s+(\d+)`).FindStringSubmatch(string(out))
	rejects := regexp.MustCompile(`(?m)^\s+Rejects\s+(\d+)`).FindStringSubmatch(string(out))
	if received == nil || received[1] != "7" || rejects == nil || rejects[1] != "3" {
		t.Fatalf("eximstats counted received %v rejects %v; log:\n%s\nreport:\n%s", received, rejects, d.mainlog(t), out)
	}
	if n := strings.Count(d.mainlog(t), " <= "); n != accepted {
		t.Fatalf("%d <= lines", n)
	}
}
