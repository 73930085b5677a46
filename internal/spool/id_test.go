package spool

import (
	"sort"
	"sync"
	"testing"
	"time"
)

// Ids and received_time_usec values of messages spooled by Debian's Exim
// 4.96, without and with localhost_number = 3.
var eximIDs = []struct {
	id   string
	usec int
	host int
}{
	{"1xXsx3-0000K5-1d", 508708, -1},
	{"1xXsx3-0000Ls-3D", 996289, -1},
	{"1xXsx4-0000Lv-01", 9718, -1},
	{"1xXsrQ-0001NM-0g", 214524, -1},
	{"1xXsx7-0000SJ-C7", 757381, 3},
	{"1xXsx7-0000Sf-Ca", 902051, 3},
}

func TestNewIDMatchesExim(t *testing.T) {
	for _, c := range eximIDs {
		sec, _ := base62Value(c.id[:6])
		pid, _ := base62Value(c.id[7:13])
		now := time.Unix(sec, int64(c.usec)*1000)
		if got := NewID(now, int(pid), c.host); got != c.id {
			t.Errorf("NewID(%v, %d, %d) = %s, want %s", now, pid, c.host, got, c.id)
		}
		if got := IDTime(c.id); got.Unix() != sec || got.Nanosecond()/5000000 != c.usec/5000 {
			t.Errorf("IDTime(%s) = %v", c.id, got)
		}
	}
}

func TestValidID(t *testing.T) {
	for s, want := range map[string]bool{
		"1xXsx3-0000K5-1d":  true,
		"1xXsx3-0000K5-1":   false,
		"1xXsx3-0000K5-1dd": false,
		"1xXsx3_0000K5-1d":  false,
		"1xXsx3-0000K_-1d":  false,
		"1xXsx3-0000K5-1é":  false,
		"":                  false,
	} {
		if ValidID(s) != want {
			t.Errorf("ValidID(%q) = %v", s, !want)
		}
	}
}

func TestIDGenUniqueInOneTick(t *testing.T) {
	g := NewIDGen(4242, -1)
	frozen := time.Unix(1796012361, 632202000)
	g.now = func() time.Time { return frozen }
	const workers, each = 8, 1500
	ids := make(chan string, workers*each)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				id, at := g.Next()
				if !at.Equal(frozen) {
					t.Errorf("time %v", at)
				}
				ids <- id
			}
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	realPid := NewID(frozen, 4242, -1)
	for id := range ids {
		if seen[id] || !ValidID(id) || id[:6] != realPid[:6] || id[14:] != realPid[14:] {
			t.Fatalf("bad or duplicate id %s", id)
		}
		pid, _ := base62Value(id[7:13])
		if pid%pidSpan != 4242 {
			t.Fatalf("id %s: pid field %d is not 4242 mod 2^22", id, pid)
		}
		seen[id] = true
	}
	if !seen[realPid] {
		t.Errorf("the first id of the tick should carry the real pid: %s", realPid)
	}
}

func TestIDGenClockSteps(t *testing.T) {
	g := NewIDGen(77, 2)
	clock := time.Unix(1796012361, 0)
	g.now = func() time.Time { return clock }
	var ids []string
	for _, step := range []time.Duration{0, 0, 5 * time.Millisecond, -time.Second, 0, 2 * time.Second} {
		clock = clock.Add(step)
		id, at := g.Next()
		if NewID(at, 77, 2)[14:] != id[14:] || at.Unix() != IDTime(id).Unix() {
			t.Errorf("id %s does not stand for %v", id, at)
		}
		ids = append(ids, id)
	}
	sorted := append([]string(nil), ids...)
	sort.SliceStable(sorted, func(i, j int) bool { return compareNames(sorted[i]+"-H", sorted[j]+"-H") < 0 })
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			t.Fatalf("duplicate %s", id)
		}
		seen[id] = true
		if compareNames(sorted[i]+"-H", id+"-H") != 0 {
			t.Errorf("ids out of time order: %v", ids)
		}
	}
}
