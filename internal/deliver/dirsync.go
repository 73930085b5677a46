package deliver

import (
	"io/fs"
	"sync"
	"syscall"

	"exigo/internal/flush"
	"exigo/internal/item"
	"exigo/internal/transport"
)

// A local transport that makes a new directory entry (appendfile's
// Maildir and directory deliveries) leaves its directory's fsync to the
// delivery process, which shares it among the deliveries into the same
// directory at the same moment (group commit): the entry is durable
// before the delivery is logged and the spool file can go, as when the
// transport syncs itself, at a fraction of the flushes under load.

// dirSyncs holds a flush group per directory, for the whole process.
var dirSyncs struct {
	mu     sync.Mutex
	groups map[string]*flush.Group
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
	g := dirGroup(dir)
	if err := g.Wait(); err != nil {
		dropDirGroup(dir, g)
		// As when appendfile's own fsync fails.
		a.Result, a.BasicErrno = item.Defer, transport.Errno(err)
		a.Message = "while syncing directory " + dir
	}
}

func dirGroup(dir string) *flush.Group {
	dirSyncs.mu.Lock()
	defer dirSyncs.mu.Unlock()
	if dirSyncs.groups == nil {
		dirSyncs.groups = map[string]*flush.Group{}
	}
	g := dirSyncs.groups[dir]
	if g == nil {
		g = &flush.Group{}
		g.Init(func() error { return fsyncDir(dir) })
		dirSyncs.groups[dir] = g
	}
	return g
}

// dropDirGroup forgets a group whose flush failed (a group stays
// failed), so that later deliveries try the directory afresh.
func dropDirGroup(dir string, g *flush.Group) {
	dirSyncs.mu.Lock()
	defer dirSyncs.mu.Unlock()
	if dirSyncs.groups[dir] == g {
		delete(dirSyncs.groups, dir)
	}
}

func fsyncDir(dir string) error {
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	defer syscall.Close(fd)
	if err := syscall.Fsync(fd); err != nil && err != syscall.EINVAL {
		return &fs.PathError{Op: "fsync", Path: dir, Err: err}
	}
	return nil
}
