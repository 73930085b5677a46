package router

import (
	"testing"
	"time"
)

func TestSystemUsersCache(t *testing.T) {
	u, ok := SystemUsers().User("root")
	if !ok || u.UID != 0 || u.GID != 0 {
		t.Fatalf("root: %+v %v", u, ok)
	}
	idCache.mu.Lock()
	_, kept := idCache.users["root"]
	idCache.mu.Unlock()
	if !kept {
		t.Error("root was not kept")
	}
	if _, ok := SystemUsers().User("no-such-user-here"); ok {
		t.Error("an unknown user was found")
	}
	idCache.mu.Lock()
	_, kept = idCache.users["no-such-user-here"]
	// An old entry is looked up again.
	idCache.users["root"] = cachedUser{&User{UID: 99}, time.Now().Add(-2 * idCacheTTL)}
	idCache.mu.Unlock()
	if kept {
		t.Error("an unknown user was kept")
	}
	if u, _ := SystemUsers().User("root"); u.UID != 0 {
		t.Errorf("stale entry used: uid %d", u.UID)
	}
	if gid, ok := SystemUsers().Group("root"); !ok || gid != 0 {
		t.Errorf("group root: %d %v", gid, ok)
	}
}
