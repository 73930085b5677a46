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

var (
	userCache  ttlCache[*User]
	groupCache ttlCache[int]
)

// SystemUsers is the operating system's users and groups, cached.
func SystemUsers() Users { return cachedUsers{} }

type cachedUsers struct{}

func (cachedUsers) User(name string) (*User, bool) {
	return userCache.get(name, systemUsers{}.User)
}

func (cachedUsers) Group(name string) (int, bool) {
	return groupCache.get(name, systemUsers{}.Group)
}

// ttlCache keeps what look found for idCacheTTL.
type ttlCache[T any] struct {
	mu sync.Mutex
	m  map[string]ttlEntry[T]
}

type ttlEntry[T any] struct {
	v  T
	at time.Time
}

func (c *ttlCache[T]) get(name string, look func(string) (T, bool)) (T, bool) {
	c.mu.Lock()
	e, ok := c.m[name]
	c.mu.Unlock()
	if ok && time.Since(e.at) < idCacheTTL {
		return e.v, true
	}
	v, ok := look(name)
	if ok {
		c.mu.Lock()
		if c.m == nil || len(c.m) > 1000 {
			c.m = map[string]ttlEntry[T]{} // many names: start again
		}
		c.m[name] = ttlEntry[T]{v, time.Now()}
		c.mu.Unlock()
	}
	return v, ok
}
