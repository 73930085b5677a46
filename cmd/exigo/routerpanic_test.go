package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"exigo/internal/transport/eximtest"
)

// routerPanicConf: the first router's condition cannot be expanded (Exim
// logs it and skips the router), the second defers on its route_data.
const routerPanicConf = `primary_hostname = mx.test
qualify_domain = test
begin routers
r:
  driver = accept
  condition = ${lookup{x}lsearch{DIR/nonexistent}}
  transport = t
r2:
  driver = manualroute
  route_data = ${lookup{x}lsearch{DIR/nonexistent2}}
  transport = t
begin transports
t:
  driver = appendfile
  file = DIR/mbox
  user = nobody
begin retry
* * F,1h,10m
`

// A router's panic line written while delivering reaches the main and
// panic logs with the message's id, as Exim's does.
func TestRouterPanicLinesLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (Exim under -C)")
	}
	e := eximtest.New(t, routerPanicConf)
	e.Run("Subject: t\n\nbody\n", "-odi", "-f", "sender@test", "bob@test")
	wantMain := retryLogLines(t, filepath.Join(e.Dir, "mainlog"), e.Dir)
	wantPanic := retryLogLines(t, filepath.Join(e.Dir, "paniclog"), e.Dir)

	bin := buildExigo(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "conf")
	os.WriteFile(conf, []byte("spool_directory = "+dir+"/spool\nlog_file_path = "+dir+"/%slog\n"+
		"exim_user = root\nexim_group = root\n"+strings.ReplaceAll(routerPanicConf, "DIR", dir)), 0o644)
	cmd := exec.Command(bin, "-C", conf, "-odi", "-f", "sender@test", "bob@test")
	cmd.Stdin = strings.NewReader("Subject: t\n\nbody\n")
	cmd.Env = append(os.Environ(), "EXIGO_NO_SYSTEM_RESOLVER=1")
	cmd.Run()
	if got := retryLogLines(t, filepath.Join(dir, "mainlog"), dir); !slices.Equal(got, wantMain) {
		t.Errorf("main log\n got %q\nwant %q (Exim's)", got, wantMain)
	}
	if got := retryLogLines(t, filepath.Join(dir, "paniclog"), dir); !slices.Equal(got, wantPanic) {
		t.Errorf("panic log\n got %q\nwant %q (Exim's)", got, wantPanic)
	}
}
