package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A spool the daemon wrote is listed by Debian's Exim exactly as exigo
// lists it; and sendmail -t (the binary under that name) queues a message
// Exim lists too.
func TestEximListsDaemonSpool(t *testing.T) {
	if _, err := os.Stat("/usr/sbin/exim4"); err != nil {
		t.Skip("Debian's Exim is not installed (apt-get install exim4-daemon-heavy)")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare is not available")
	}
	bin := buildExigo(t)
	d := startDaemon(t, bin, strictConfCrash)
	c := dial(t, d.addr)
	c.reply()
	c.cmd("EHLO compat.example")
	for _, rcpt := range []string{"a@localhost", "b@localhost"} {
		c.cmd("MAIL FROM:<s@example.org>")
		c.cmd("RCPT TO:<" + rcpt + ">")
		c.cmd("DATA")
		expectPrefix(t, "data", c.cmd("Subject: compat\r\n\r\n"+strings.Repeat("x", 3000)+"\r\n."), "250 OK id=")
	}
	c.cmd("QUIT")

	sendmail := filepath.Join(t.TempDir(), "sendmail")
	if err := os.Symlink(bin, sendmail); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sendmail, "-C", d.conf, "-t", "-i")
	cmd.Stdin = strings.NewReader("To: Someone <c@localhost>\nBcc: d@localhost\nSubject: via sendmail\n\nbody\n.\nmore\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sendmail -t: %v\n%s", err, out)
	}

	eximConf := filepath.Join(d.data, "exim.conf")
	os.WriteFile(eximConf, []byte("spool_directory = "+filepath.Join(d.data, "spool")+"\nlog_file_path = "+filepath.Join(d.data, "eximlog", "%slog")+"\nexim_user = root\nexim_group = root\n"), 0o644)
	for _, mode := range []string{"-bp", "-bpc", "-bpu"} {
		exim, err := exec.Command("unshare", "-n", "/usr/sbin/exim4", "-C", eximConf, mode).CombinedOutput()
		if err != nil {
			t.Fatalf("exim %s: %v\n%s", mode, err, exim)
		}
		ours, err := exec.Command(bin, "-C", d.conf, mode).CombinedOutput()
		if err != nil {
			t.Fatalf("exigo %s: %v\n%s", mode, err, ours)
		}
		if string(exim) != string(ours) {
			t.Errorf("%s differs:\nexim:\n%s\nexigo:\n%s", mode, exim, ours)
		}
	}
	list, _ := exec.Command(bin, "-C", d.conf, "-bp").CombinedOutput()
	for _, want := range []string{"a@localhost", "b@localhost", "c@localhost", "d@localhost"} {
		if !strings.Contains(string(list), want) {
			t.Errorf("-bp lacks %s:\n%s", want, list)
		}
	}
}
