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
	userCache.mu.Lock()
	_, kept := userCache.m["root"]
	userCache.mu.Unlock()
	if !kept {
		t.Error("root was not kept")
	}
	if _, ok := SystemUsers().User("no-such-user-here"); ok {
		t.Error("an unknown user was found")
	}
	userCache.mu.Lock()
	_, kept = userCache.m["no-such-user-here"]
	// An old entry is looked up again.
	userCache.m["root"] = ttlEntry[*User]{&User{UID: 99}, time.Now().Add(-2 * idCacheTTL)}
	userCache.mu.Unlock()
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
