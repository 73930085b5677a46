package deliver

import (
	"sync"

	"exigo/internal/flush"
	"exigo/internal/item"
	"exigo/internal/transport"
)

// A local transport that makes a new directory entry (appendfile's
// Maildir and directory deliveries) leaves its directory's fsync to the
// process that ran it (this one, or the user's delivery worker, which
// syncs before it replies, as the user: root may not open a user's
// directory on NFS), shared among the deliveries into the same
// directory at the same moment (group commit): the entry is durable
// before the delivery is logged and the spool file can go, as when the
// transport syncs itself, at a fraction of the flushes under load.

// dirSyncs holds a flush group per directory being synced, for the
// whole process; a group goes when its last user is done.
var dirSyncs struct {
	mu     sync.Mutex
	groups map[string]*dirGroup
}

type dirGroup struct {
	flush.Group
	users int
}

// SyncDirs makes the directories the deliveries of addrs left in their
// SyncDir durable (see syncDir).
func SyncDirs(addrs []*item.Address) {
	for _, a := range addrs {
		syncDir(a)
	}
}

// syncDir makes the directory a delivery left in a.SyncDir durable; a
// failure defers the address (the message stays, and may be delivered
// twice rather than lost).
func syncDir(a *item.Address) {
	dir := a.SyncDir
	a.SyncDir = ""
	if dir == "" || a.Result != item.OK {
		return
	}
	g := joinDirGroup(dir)
	err := g.Wait()
	leaveDirGroup(dir, g, err != nil)
	if err != nil {
		// As when appendfile's own fsync fails.
		a.Result, a.BasicErrno = item.Defer, transport.Errno(err)
		a.Message = "while syncing directory " + dir
	}
}

func joinDirGroup(dir string) *dirGroup {
	dirSyncs.mu.Lock()
	defer dirSyncs.mu.Unlock()
	if dirSyncs.groups == nil {
		dirSyncs.groups = map[string]*dirGroup{}
	}
	g := dirSyncs.groups[dir]
	if g == nil {
		g = &dirGroup{}
		g.Init(func() error { return flush.Dir(dir) })
		dirSyncs.groups[dir] = g
	}
	g.users++
	return g
}

// leaveDirGroup drops the group when no one uses it any more, or at
// once when its flush failed (a group stays failed), so that later
// deliveries try the directory afresh.
func leaveDirGroup(dir string, g *dirGroup, failed bool) {
	dirSyncs.mu.Lock()
	defer dirSyncs.mu.Unlock()
	g.users--
	if (g.users == 0 || failed) && dirSyncs.groups[dir] == g {
		delete(dirSyncs.groups, dir)
	}
}
