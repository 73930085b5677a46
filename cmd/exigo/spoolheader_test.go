package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"exigo/internal/transport/eximtest"
)

// A message submitted with -t gets the -H file Exim writes: recipients
// taken from To:, Cc: and Bcc: before the Received: line is made (so
// its "for" names the one recipient), Bcc: gone.
func TestExtractedSpoolHeaderLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (Exim under -C)")
	}
	const conf = "primary_hostname = mx.test\nqualify_domain = test\n"
	for _, c := range []struct{ msg, sender string }{
		{"To: one@test\nSubject: t\n\nbody\n", "sender@test"},
		{"To: one@test\nCc: two@test\nBcc: three@test\nSubject: t\n\nbody\n", "sender@test"},
		// An empty sender: no From: is added.
		{"To: one@test\nSubject: t\n\nbody\n", ""},
	} {
		msg := c.msg
		e := eximtest.New(t, conf)
		e.Run(msg, "-odq", "-t", "-f", c.sender)
		want := spoolHeader(t, filepath.Join(e.Dir, "spool"), onlyMessage(t, filepath.Join(e.Dir, "spool")))

		dir := t.TempDir()
		cf := filepath.Join(dir, "conf")
		os.WriteFile(cf, []byte("spool_directory = "+dir+"/spool\nlog_file_path = "+dir+"/%slog\n"+conf), 0o644)
		cmd := exec.Command(buildExigo(t), "-C", cf, "-odq", "-t", "-f", c.sender)
		cmd.Stdin = strings.NewReader(msg)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("exigo -t: %v\n%s", err, out)
		}
		got := spoolHeader(t, filepath.Join(dir, "spool"), onlyMessage(t, filepath.Join(dir, "spool")))
		if got != want {
			t.Errorf("-H file for %q\n got %q\nwant %q (Exim's)", msg, got, want)
		}
	}
}
