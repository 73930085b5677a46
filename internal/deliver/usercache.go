package deliver

import (
	"os/user"
	"strconv"
	"sync"
	"time"
)

// Every local delivery looks up the same few users and groups (the
// transport's user and group, never_users), and each lookup reads
// /etc/passwd or /etc/group anew; a found entry is kept for a second,
// far less than nscd would keep it.
const idCacheTTL = time.Second

type cachedIDs struct {
	uid, gid int
	at       time.Time
}

var idCache struct {
	mu            sync.Mutex
	users, groups map[string]cachedIDs
}

// lookupUserIDs is user.Lookup's uid and gid, cached.
func lookupUserIDs(name string) (uid, gid int, err error) {
	if c, ok := cachedEntry(&idCache.users, name); ok {
		return c.uid, c.gid, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return 0, 0, err
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	keepEntry(&idCache.users, name, cachedIDs{uid: uid, gid: gid})
	return uid, gid, nil
}

// lookupGroupID is user.LookupGroup's gid, cached.
func lookupGroupID(name string) (int, error) {
	if c, ok := cachedEntry(&idCache.groups, name); ok {
		return c.gid, nil
	}
	g, err := user.LookupGroup(name)
	if err != nil {
		return 0, err
	}
	gid, err := strconv.Atoi(g.Gid)
	if err == nil {
		keepEntry(&idCache.groups, name, cachedIDs{gid: gid})
	}
	return gid, err
}

func cachedEntry(m *map[string]cachedIDs, name string) (cachedIDs, bool) {
	idCache.mu.Lock()
	defer idCache.mu.Unlock()
	c, ok := (*m)[name]
	return c, ok && time.Since(c.at) < idCacheTTL
}

func keepEntry(m *map[string]cachedIDs, name string, c cachedIDs) {
	idCache.mu.Lock()
	defer idCache.mu.Unlock()
	if *m == nil || len(*m) > 1000 {
		*m = map[string]cachedIDs{} // many users: start again
	}
	c.at = time.Now()
	(*m)[name] = c
}
