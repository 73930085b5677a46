package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"exigo/internal/transport/eximtest"
)

// runBoth has Exim and exigo take the same message with the same
// configuration and arguments; it returns exigo's directory and Exim.
func runBoth(t *testing.T, conf, msg string, args ...string) (string, *eximtest.Exim) {
	t.Helper()
	e := eximtest.New(t, conf)
	e.Run(msg, args...)
	bin := buildExigo(t)
	dir := t.TempDir()
	openToWorkers(dir)
	os.Chmod(dir, 0o777)
	if out, err := runExigoConf(bin, exigoConf(t, dir, conf), msg, args...); err != nil {
		t.Fatalf("exigo: %v\n%s", err, out)
	}
	return dir, e
}

const bounceOrderConf = `
qualify_domain = test.ex
begin routers
bad:
  driver = redirect
  local_parts = bad
  data = :fail: no such user
  allow_fail
all:
  driver = accept
  transport = box
begin transports
box:
  driver = appendfile
  file = DIR/mbox
  user = nobody
`

// Under -odi the bounce a delivery sends is delivered at once, before the
// parent's "Completed", as Exim's synchronous child does; the main logs
// match line for line.
func TestSynchronousBounceLogOrderLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody, Exim under -C)")
	}
	msg := "Subject: t\n\nbody\n"
	args := []string{"-odi", "-f", "sender@test.ex", "bad@test.ex", "good@test.ex"}
	e := eximtest.New(t, bounceOrderConf)
	e.Run(msg, args...)
	want := orderedLog(t, filepath.Join(e.Dir, "mainlog"), e.Dir)

	bin := buildExigo(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o777)
	conf := exigoConf(t, dir, bounceOrderConf)
	if out, err := runExigoConf(bin, conf, msg, args...); err != nil {
		t.Fatalf("exigo: %v\n%s", err, out)
	}
	got := orderedLog(t, filepath.Join(dir, "mainlog"), dir)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("main log\n got:\n%s\nwant (Exim):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A queue run's bounces are delivered before "End queue run", as Exim's
// runner waits for its delivery processes' children.
func TestQueueRunBounceOrderLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody, Exim under -C)")
	}
	msg := "Subject: t\n\nbody\n"
	queue := []string{"-odq", "-f", "sender@test.ex", "bad@test.ex", "good@test.ex"}
	e := eximtest.New(t, bounceOrderConf)
	e.Run(msg, queue...)
	e.Run("", "-q")
	want := comparableLog(t, filepath.Join(e.Dir, "mainlog"), e.Dir)

	bin := buildExigo(t)
	dir := t.TempDir()
	openToWorkers(dir)
	os.Chmod(dir, 0o777)
	conf := exigoConf(t, dir, bounceOrderConf)
	for _, args := range [][]string{queue, {"-q"}} {
		if out, err := runExigoConf(bin, conf, msg, args...); err != nil {
			t.Fatalf("exigo %v: %v\n%s", args, err, out)
		}
	}
	got := comparableLog(t, filepath.Join(dir, "mainlog"), dir)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("main log\n got:\n%s\nwant (Exim):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Exim routes a message's recipients last first and delivers them first
// first: three routing failures and two deliveries log as Exim's do.
func TestRoutingOrderLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody, Exim under -C)")
	}
	conf := strings.ReplaceAll(bounceOrderConf, "local_parts = bad\n", "local_parts = bad : bad2 : bad3\n")
	dir, e := runBoth(t, conf, "Subject: t\n\nbody\n",
		"-odi", "-f", "sender@test.ex", "bad@test.ex", "good@test.ex", "bad2@test.ex", "good2@test.ex", "bad3@test.ex")
	eximDir := e.Dir
	got, want := orderedLog(t, filepath.Join(dir, "mainlog"), dir), orderedLog(t, filepath.Join(eximDir, "mainlog"), eximDir)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("main log\n got:\n%s\nwant (Exim):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
