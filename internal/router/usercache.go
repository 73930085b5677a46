package router

import (
	"sync"
	"time"
)

// Routers (user, check_local_user) and local deliveries look up the same
// few users and groups for every message, and each lookup reads
// /etc/passwd or /etc/group anew; what was found is kept for a second,
// far less than nscd would keep it. Names not found are not kept.
const idCacheTTL = time.Second

type cachedUser struct {
	u  *User
	at time.Time
}

type cachedGroup struct {
	gid int
	at  time.Time
}

var idCache struct {
	mu     sync.Mutex
	users  map[string]cachedUser
	groups map[string]cachedGroup
}

// SystemUsers is the operating system's users and groups, cached.
func SystemUsers() Users { return cachedUsers{} }

type cachedUsers struct{}

func (cachedUsers) User(name string) (*User, bool) {
	idCache.mu.Lock()
	c, ok := idCache.users[name]
	idCache.mu.Unlock()
	if ok && time.Since(c.at) < idCacheTTL {
		return c.u, true
	}
	u, ok := systemUsers{}.User(name)
	if ok {
		idCache.mu.Lock()
		if idCache.users == nil || len(idCache.users) > 1000 {
			idCache.users = map[string]cachedUser{} // many users: start again
		}
		idCache.users[name] = cachedUser{u, time.Now()}
		idCache.mu.Unlock()
	}
	return u, ok
}

func (cachedUsers) Group(name string) (int, bool) {
	idCache.mu.Lock()
	c, ok := idCache.groups[name]
	idCache.mu.Unlock()
	if ok && time.Since(c.at) < idCacheTTL {
		return c.gid, true
	}
	gid, ok := systemUsers{}.Group(name)
	if ok {
		idCache.mu.Lock()
		if idCache.groups == nil || len(idCache.groups) > 1000 {
			idCache.groups = map[string]cachedGroup{}
		}
		idCache.groups[name] = cachedGroup{gid, time.Now()}
		idCache.mu.Unlock()
	}
	return gid, ok
}
