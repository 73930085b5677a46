package main_test

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// asUnprivileged makes cmd run as "nobody" when the test runs as root:
// exigo then delivers as itself, as the README's first command does for
// a normal user. dirs are handed to that user.
func asUnprivileged(t *testing.T, cmd *exec.Cmd, dirs ...string) {
	t.Helper()
	if os.Getuid() != 0 {
		return
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody to run exigo unprivileged")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	for _, d := range dirs {
		os.Chown(d, uid, gid)
		for p := d; p != "/" && p != "."; p = filepath.Dir(p) {
			if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o005 == 0 && p != d {
				os.Chmod(p, fi.Mode().Perm()|0o005)
			}
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
}

// The README's promise: the built-in configuration, swaks to
// postmaster@localhost, and the message is in the Maildir.
func TestDefaultConfigDeliversToMaildir(t *testing.T) {
	if _, err := exec.LookPath("swaks"); err != nil {
		t.Skip("swaks is not installed (apt-get install swaks)")
	}
	bin := buildExigo(t)
	os.Chmod(filepath.Dir(bin), 0o755)
	d := &daemon{data: t.TempDir(), logs: &strings.Builder{}}
	port := freePort(t)
	d.addr = "127.0.0.1:" + strconv.Itoa(port)
	d.cmd = exec.Command(bin, "-bd", "-oX", strconv.Itoa(port))
	d.cmd.Env = append(os.Environ(), "EXIGO_DATA_DIR="+d.data, "EXIGO_NO_SYSTEM_RESOLVER=1")
	d.cmd.Stderr = d.logs
	asUnprivileged(t, d.cmd, d.data, filepath.Dir(bin))
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.stop)
	waitListening(t, d)
	out, err := exec.Command("swaks", "--server", d.addr, "--to", "postmaster@localhost", "--from", "sender@example.org", "--header", "Subject: to the maildir").CombinedOutput()
	if err != nil {
		t.Fatalf("swaks: %v\n%s", err, out)
	}
	var files []string
	for i := 0; i < 100 && len(files) == 0; i++ {
		time.Sleep(50 * time.Millisecond)
		files, _ = filepath.Glob(filepath.Join(d.data, "Maildir", "new", "*"))
	}
	if len(files) != 1 {
		t.Fatalf("Maildir/new has %v; log:\n%s\n%s", files, d.mainlog(t), d.logs)
	}
	msg, _ := os.ReadFile(files[0])
	for _, want := range []string{"Return-path: <sender@example.org>\n", "Envelope-to: postmaster@localhost\n", "Subject: to the maildir\n"} {
		if !strings.Contains(string(msg), want) {
			t.Errorf("delivered message lacks %q:\n%s", want, msg)
		}
	}
	log := d.mainlog(t)
	for _, want := range []string{"=> postmaster <postmaster@localhost> R=local_maildir T=maildir_delivery", "Completed"} {
		if !strings.Contains(log, want) {
			t.Errorf("mainlog lacks %q:\n%s", want, log)
		}
	}
	if ids := d.spoolIDs(t); len(ids) != 0 {
		t.Errorf("spool still holds %v", ids)
	}
}

func waitListening(t *testing.T, d *daemon) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if c, err := netDial(d.addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("daemon did not start: %s", d.logs)
}

// Run as root, exigo delivers locally in a child process holding the
// delivery user's credentials, and refuses to deliver as root.
func TestRootDeliversAsUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root")
	}
	bin := buildExigo(t)
	dir := t.TempDir()
	mail := filepath.Join(dir, "mail")
	os.Mkdir(mail, 0o755)
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	os.Chown(mail, uid, gid)
	os.Chmod(dir, 0o755)
	conf := filepath.Join(dir, "conf")
	os.WriteFile(conf, []byte(`primary_hostname = myhost.test.ex
spool_directory = `+dir+`/spool
log_file_path = `+dir+`/log/%slog
begin routers
local:
  driver = accept
  local_parts = bob
  user = nobody
  transport = md
other:
  driver = accept
  transport = md
begin transports
md:
  driver = appendfile
  directory = `+mail+`/box
  maildir_format
  create_directory
`), 0o644)
	cmd := exec.Command(bin, "-C", conf, "bob@myhost.test.ex", "root@myhost.test.ex")
	cmd.Stdin = strings.NewReader("Subject: as nobody\n\nhello\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("exigo: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(mail, "box", "new", "*"))
	if len(files) != 1 {
		t.Fatalf("maildir has %v", files)
	}
	fi, _ := os.Stat(files[0])
	if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != uid {
		t.Fatalf("delivered file owned by uid %d, want %d", st.Uid, uid)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "log", "mainlog"))
	for _, want := range []string{
		"=> bob <bob@myhost.test.ex> R=local T=md",
		"== root@myhost.test.ex R=other T=md defer (-29): Neither the other router nor the md transport set a uid for local delivery of root@myhost.test.ex",
	} {
		if !strings.Contains(string(log), want) {
			t.Errorf("mainlog lacks %q:\n%s", want, log)
		}
	}
}
