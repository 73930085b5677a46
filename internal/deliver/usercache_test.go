package deliver

import (
	"testing"
	"time"
)

func TestUserCache(t *testing.T) {
	uid, gid, err := lookupUserIDs("root")
	if err != nil || uid != 0 || gid != 0 {
		t.Fatalf("root: %d %d %v", uid, gid, err)
	}
	if _, ok := cachedEntry(&idCache.users, "root"); !ok {
		t.Error("root was not kept")
	}
	if _, _, err := lookupUserIDs("no-such-user-here"); err == nil {
		t.Error("an unknown user was found")
	}
	if _, ok := cachedEntry(&idCache.users, "no-such-user-here"); ok {
		t.Error("an unknown user was kept")
	}
	// An old entry is looked up again.
	keepEntry(&idCache.users, "root", cachedIDs{uid: 99})
	idCache.mu.Lock()
	c := idCache.users["root"]
	c.at = time.Now().Add(-2 * idCacheTTL)
	idCache.users["root"] = c
	idCache.mu.Unlock()
	if uid, _, _ := lookupUserIDs("root"); uid != 0 {
		t.Errorf("stale entry used: uid %d", uid)
	}
	if gid, err := lookupGroupID("root"); err != nil || gid != 0 {
		t.Errorf("group root: %d %v", gid, err)
	}
}
