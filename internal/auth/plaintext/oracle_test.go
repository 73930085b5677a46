package plaintext

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// eximSession runs Debian's Exim 4.96 in -bh mode on a configuration and
// the client lines after EHLO, inside a network namespace with only
// loopback. It returns the EHLO reply's AUTH text, the replies after EHLO
// (not QUIT's) and the log lines. The test skips without Exim.
func eximSession(t *testing.T, text string, lines []string) (ehloAuth string, replies, logs []string) {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/exim4"); err != nil {
		t.Skip("/usr/sbin/exim4 not installed: no Exim to compare with")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "exim.conf")
	text = strings.Replace(text, "@DIR@", dir, -1)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	input := "EHLO x\r\n" + strings.Join(lines, "\r\n") + "\r\nQUIT\r\n"
	cmd := exec.Command("unshare", "-n", "sh", "-c", `ip link set lo up; exec /usr/sbin/exim4 -C "$0" -bh 10.0.0.1`, conf)
	cmd.Stdin = strings.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil && stdout.Len() == 0 {
		if strings.Contains(stderr.String(), "unshare") {
			t.Skipf("cannot make a network namespace for exim: %v: %s", err, stderr.String())
		}
		t.Fatalf("exim: %v: %s", err, stderr.String())
	}
	ehloAuth, replies = afterEHLO(strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n"))
	return ehloAuth, replies, logLines(stderr.String())
}

// afterEHLO picks the AUTH line out of the EHLO reply and the replies
// after it, without QUIT's.
func afterEHLO(out []string) (ehloAuth string, replies []string) {
	i := 0
	for ; i < len(out); i++ {
		l := strings.TrimRight(out[i], "\r")
		if strings.HasPrefix(l, "250-AUTH ") {
			ehloAuth = l[4:]
		}
		if strings.HasPrefix(l, "250 ") {
			break
		}
	}
	for _, l := range out[i+1:] {
		l = strings.TrimRight(l, "\r")
		if !strings.HasPrefix(l, "221 ") {
			replies = append(replies, l)
		}
	}
	return ehloAuth, replies
}

// logLines are -bh's "LOG:" lines, continuation lines joined with "\n".
func logLines(stderr string) []string {
	var logs []string
	for _, l := range strings.Split(stderr, "\n") {
		switch {
		case strings.HasPrefix(l, "LOG: "):
			logs = append(logs, l)
		case strings.HasPrefix(l, "  ") && len(logs) > 0 && !strings.HasPrefix(l, "  >>>"):
			logs[len(logs)-1] += "\n" + l
		}
	}
	return logs
}
