package deliver

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"exigo/internal/item"
	"exigo/internal/transport"
)

// syncDirTransport makes "directory entries" and leaves their fsync to
// the delivery process, as appendfile does when asked to.
type syncDirTransport struct {
	dir   string
	asked bool
}

func (s *syncDirTransport) Local() bool { return true }

func (s *syncDirTransport) Deliver(env *transport.Env, msg *transport.Message, addrs []*item.Address) {
	s.asked = env.DeferDirSync
	a := addrs[0]
	a.Result = item.OK
	a.SyncDir = s.dir
	if a.LocalPart == "badsync" {
		a.SyncDir = filepath.Join(s.dir, "gone")
	}
}

func TestDeliverySyncsTheDirectoryTheTransportLeft(t *testing.T) {
	d, _, id, dir := setup(t, "good@local.test", "badsync@local.test")
	st := &syncDirTransport{dir: t.TempDir()}
	d.Transports["t"] = st
	d.RunAs = func(uid, gid int, ig bool, name string, msg *transport.Message, addrs []*item.Address) error {
		// What the worker does: RunLocal asks for the deferred sync.
		st.Deliver(&transport.Env{DeferDirSync: true}, msg, addrs)
		return nil
	}
	if err := d.Deliver(id, Options{}); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() != 0 && !st.asked {
		t.Error("the transport was not asked to leave the directory fsync")
	}
	log := mainlog(dir)
	if !strings.Contains(log, "=> good <good@local.test> R=r T=t") {
		t.Errorf("good delivery not logged:\n%s", log)
	}
	want := "== badsync@local.test R=r T=t defer (2): No such file or directory: while syncing directory " + st.dir + "/gone"
	if !strings.Contains(log, want) {
		t.Errorf("mainlog lacks %q:\n%s", want, log)
	}
}

// Deliveries into one directory at the same moment each get a sync
// covering them (how they share it is flush.Group's test).
func TestDirSyncConcurrent(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	addrs := make([]*item.Address, 20)
	for i := range addrs {
		addrs[i] = &item.Address{Result: item.OK, SyncDir: dir}
		wg.Add(1)
		go func(a *item.Address) { defer wg.Done(); syncDir(a) }(addrs[i])
	}
	wg.Wait()
	for _, a := range addrs {
		if a.Result != item.OK || a.SyncDir != "" {
			t.Fatalf("address after sync: %v %q %q", a.Result, a.SyncDir, a.Message)
		}
	}
}
