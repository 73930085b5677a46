package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An alias file: redirection to several addresses, to a pipe and to
// :fail:, delivered to a Maildir and an mbox (exigo run unprivileged).
func TestAliasFileDeliveries(t *testing.T) {
	bin := buildExigo(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o777)
	aliases := filepath.Join(dir, "aliases")
	os.WriteFile(aliases, []byte(`team: alice, bob
piped: |/bin/sh -c "cat > `+dir+`/piped.out"
gone: :fail: gone away, no forwarding address
`), 0o644)
	conf := filepath.Join(dir, "conf")
	os.WriteFile(conf, []byte(`primary_hostname = myhost.test.ex
spool_directory = `+dir+`/spool
log_file_path = `+dir+`/log/%slog
begin routers
system_aliases:
  driver = redirect
  data = ${lookup{$local_part}lsearch{`+aliases+`}}
  pipe_transport = address_pipe
  allow_fail
bob:
  driver = accept
  local_parts = bob
  transport = mbox
others:
  driver = accept
  transport = maildir
begin transports
maildir:
  driver = appendfile
  directory = `+dir+`/Maildir
  maildir_format
  create_directory
mbox:
  driver = appendfile
  file = `+dir+`/bob.mbox
address_pipe:
  driver = pipe
  return_output
`), 0o644)
	cmd := exec.Command(bin, "-C", conf, "-f", "sender@myhost.test.ex", "team@myhost.test.ex", "piped@myhost.test.ex", "gone@myhost.test.ex")
	cmd.Env = append(os.Environ(), "EXIGO_NO_SYSTEM_RESOLVER=1")
	cmd.Stdin = strings.NewReader("Subject: aliases\n\nhello all\n")
	asUnprivileged(t, cmd, dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("exigo: %v\n%s", err, out)
	}
	time.Sleep(100 * time.Millisecond)
	log := readFile(t, filepath.Join(dir, "log", "mainlog"))
	for _, want := range []string{
		"=> alice <team@myhost.test.ex> R=others T=maildir",
		"=> bob <team@myhost.test.ex> R=bob T=mbox",
		"T=address_pipe",
		"** gone@myhost.test.ex R=system_aliases: gone away, no forwarding address",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("mainlog lacks %q", want)
		}
	}
	if mbox := readFile(t, filepath.Join(dir, "bob.mbox")); !strings.HasPrefix(mbox, "From sender@myhost.test.ex ") || !strings.Contains(mbox, "hello all") {
		t.Errorf("bob's mbox:\n%s", mbox)
	}
	if out, _ := os.ReadFile(filepath.Join(dir, "piped.out")); !strings.Contains(string(out), "hello all") {
		t.Errorf("the pipe got %q", out)
	}
	// The failure goes back to the sender (a local address): in the
	// Maildir, with the :fail: text.
	files, _ := filepath.Glob(filepath.Join(dir, "Maildir", "new", "*"))
	found := false
	for _, f := range files {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), "gone away, no forwarding address") {
			found = true
		}
	}
	if !found || t.Failed() {
		t.Fatalf("no failure report in the Maildir (%d files); mainlog:\n%s", len(files), log)
	}
}
