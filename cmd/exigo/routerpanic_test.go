package main_test

import (
	"os"
	"path/filepath"
	"slices"
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
	wantMain := comparableLog(t, filepath.Join(e.Dir, "mainlog"), e.Dir)
	wantPanic := comparableLog(t, filepath.Join(e.Dir, "paniclog"), e.Dir)

	bin := buildExigo(t)
	dir := t.TempDir()
	conf := exigoConf(t, dir, routerPanicConf)
	runExigoConf(bin, conf, "Subject: t\n\nbody\n", "-odi", "-f", "sender@test", "bob@test") // it defers
	if got := comparableLog(t, filepath.Join(dir, "mainlog"), dir); !slices.Equal(got, wantMain) {
		t.Errorf("main log\n got %q\nwant %q (Exim's)", got, wantMain)
	}
	if got := comparableLog(t, filepath.Join(dir, "paniclog"), dir); !slices.Equal(got, wantPanic) {
		t.Errorf("panic log\n got %q\nwant %q (Exim's)", got, wantPanic)
	}
}
