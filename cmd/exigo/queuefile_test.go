package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The queuefile transport copies a message's -H and -D files, unchanged,
// into a directory an external scanner reads; Debian's Exim lists that
// directory as a spool, and exigo delivers the message once the scanner
// puts the files back into its queue.
func TestQueuefileAndRequeue(t *testing.T) {
	bin := buildExigo(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o777)
	scan := filepath.Join(dir, "scan")
	flag := filepath.Join(dir, "scanning")
	os.WriteFile(flag, nil, 0o644)
	conf := filepath.Join(dir, "conf")
	os.WriteFile(conf, []byte(`primary_hostname = myhost.test.ex
spool_directory = `+dir+`/spool
log_file_path = `+dir+`/log/%slog
begin routers
to_scanner:
  driver = accept
  condition = ${if exists{`+flag+`}}
  transport = scanner
local:
  driver = accept
  transport = box
begin transports
scanner:
  driver = queuefile
  directory = `+scan+`/input
box:
  driver = appendfile
  directory = `+dir+`/Maildir
  maildir_format
  create_directory
`), 0o644)
	run := func(stdin string, args ...string) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"-C", conf}, args...)...)
		cmd.Env = append(os.Environ(), "EXIGO_NO_SYSTEM_RESOLVER=1")
		cmd.Stdin = strings.NewReader(stdin)
		asUnprivileged(t, cmd, dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("exigo %v: %v\n%s", args, err, out)
		}
	}
	os.MkdirAll(filepath.Join(scan, "input"), 0o777)
	os.Chmod(filepath.Join(scan, "input"), 0o777)
	os.Chmod(scan, 0o777)
	run("Subject: scan me\n\nbody to scan\n", "-f", "s@myhost.test.ex", "u@myhost.test.ex")
	copies, _ := filepath.Glob(filepath.Join(scan, "input", "*-H"))
	if len(copies) != 1 {
		t.Fatalf("scan directory has %v; log:\n%s", copies, readFile(t, filepath.Join(dir, "log", "mainlog")))
	}
	id := strings.TrimSuffix(filepath.Base(copies[0]), "-H")
	if _, err := os.Stat("/usr/sbin/exim4"); err == nil && os.Getuid() == 0 {
		eximConf := filepath.Join(dir, "exim.conf")
		os.WriteFile(eximConf, []byte("spool_directory = "+scan+"\nlog_file_path = "+dir+"/eximlog/%slog\nexim_user = root\nexim_group = root\n"), 0o644)
		out, err := exec.Command("unshare", "-n", "/usr/sbin/exim4", "-C", eximConf, "-bp").CombinedOutput()
		if err != nil || !strings.Contains(string(out), id) || !strings.Contains(string(out), "u@myhost.test.ex") {
			t.Fatalf("Exim's -bp of the scan directory: %v\n%s", err, out)
		}
	}
	// The scanner is done: it puts the files back into the queue.
	os.Remove(flag)
	for _, suffix := range []string{"-D", "-H"} {
		b, err := os.ReadFile(filepath.Join(scan, "input", id+suffix))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, "spool", "input", id+suffix)
		os.WriteFile(dst, b, 0o640)
		if fi, err := os.Stat(filepath.Join(dir, "spool", "input")); err == nil {
			st := fi.Sys().(*syscall.Stat_t)
			os.Chown(dst, int(st.Uid), int(st.Gid)) // the spool's owner, as the scanner would
		}
	}
	run("", "-q")
	files, _ := filepath.Glob(filepath.Join(dir, "Maildir", "new", "*"))
	if len(files) != 1 {
		t.Fatalf("after the requeue the Maildir has %v; log:\n%s", files, readFile(t, filepath.Join(dir, "log", "mainlog")))
	}
	if b, _ := os.ReadFile(files[0]); !strings.Contains(string(b), "body to scan") {
		t.Fatalf("delivered %q", b)
	}
}
