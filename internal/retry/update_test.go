package retry

import (
	"testing"
	"time"

	"exigo/internal/hints"
	"exigo/internal/item"
)

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func openDB(t *testing.T) *hints.DB {
	t.Helper()
	db, err := hints.Open(t.TempDir(), "retry")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func get(t *testing.T, db *hints.DB, key string) *Record {
	t.Helper()
	r, ok, err := db.Get(key)
	if err != nil || !ok {
		t.Fatalf("no record %s: %v", key, err)
	}
	rec, err := Decode(r.Data)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func deferred(addr, key string, flags int) *item.Address {
	a := item.New(addr)
	a.Result, a.BasicErrno, a.Message = item.Defer, -1, "resting"
	AddItem(a, key, flags)
	return a
}

// TestUpdateSchedule follows one destination through the default rule's
// three parameter sets to its cutoff.
func TestUpdateSchedule(t *testing.T) {
	rs := rulesFor(t, "* * F,2h,15m; G,16h,1h,1.5; F,4d,6h\n")
	db := openDB(t)
	received := t0
	var logs []string
	attempt := func(now time.Time) ([]*item.Address, *Record) {
		u := &Update{Rules: rs, DB: db, Now: now, Received: received, Sender: "s@x",
			Log: func(l string) { logs = append(logs, l) }}
		out, err := u.Apply(nil, nil, []*item.Address{deferred("u@d.ex", "T:h.d.ex:10.0.0.1", item.RetryHost)})
		if err != nil {
			t.Fatal(err)
		}
		return out, get(t, db, "T:h.d.ex:10.0.0.1")
	}
	out, rec := attempt(t0)
	if len(out) != 0 || !rec.FirstFailed.Equal(t0) || !rec.NextTry.Equal(t0.Add(15*time.Minute)) || rec.Expired {
		t.Fatalf("first: %+v", rec)
	}
	if rec.Text != "H=h.d.ex [10.0.0.1]: resting" && rec.Text != "resting" {
		t.Errorf("text %q", rec.Text)
	}
	// After 3h: the G rule; the last gap is the predicted 15m (<1h): 1h.
	_, rec = attempt(t0.Add(3 * time.Hour))
	if !rec.NextTry.Equal(t0.Add(4 * time.Hour)) {
		t.Errorf("G first: next %v", rec.NextTry)
	}
	// At 4h: gap 1h * 1.5.
	_, rec = attempt(t0.Add(4 * time.Hour))
	if !rec.NextTry.Equal(t0.Add(5*time.Hour + 30*time.Minute)) {
		t.Errorf("G second: next %v", rec.NextTry)
	}
	// At 20h: the last F; past 4d: expired, timed out.
	_, rec = attempt(t0.Add(20 * time.Hour))
	if !rec.NextTry.Equal(t0.Add(26 * time.Hour)) {
		t.Errorf("F: next %v", rec.NextTry)
	}
	out, rec = attempt(t0.Add(5 * 24 * time.Hour))
	if len(out) != 1 || !rec.Expired || !rec.NextTry.Equal(t0.Add(5*24*time.Hour+6*time.Hour)) {
		t.Errorf("cutoff: out %d rec %+v", len(out), rec)
	}
	if out[0].Message != "resting: retry timeout exceeded" || out[0].UserMessage != "retry timeout exceeded" {
		t.Errorf("messages %q %q", out[0].Message, out[0].UserMessage)
	}
	if len(logs) != 1 || logs[0] != "** u@d.ex: retry timeout exceeded" {
		t.Errorf("logs %q", logs)
	}
}

func TestUpdateMessageAge(t *testing.T) {
	rs := rulesFor(t, "* * F,2h,15m; F,1d,1h\n")
	db := openDB(t)
	// A routing (non-host) error for a message 3h old: the message's age
	// counts, so the second rule applies at once.
	u := &Update{Rules: rs, DB: db, Now: t0, Received: t0.Add(-3 * time.Hour)}
	if _, err := u.Apply(nil, nil, []*item.Address{deferred("u@d.ex", "R:d.ex", 0)}); err != nil {
		t.Fatal(err)
	}
	if rec := get(t, db, "R:d.ex"); !rec.NextTry.Equal(t0.Add(time.Hour)) {
		t.Errorf("next %v", rec.NextTry)
	}
	// The same for a host error: the failing time is the record's.
	if _, err := u.Apply(nil, nil, []*item.Address{deferred("u@d.ex", "T:h:1.2.3.4", item.RetryHost)}); err != nil {
		t.Fatal(err)
	}
	if rec := get(t, db, "T:h:1.2.3.4"); !rec.NextTry.Equal(t0.Add(15 * time.Minute)) {
		t.Errorf("host next %v", rec.NextTry)
	}
	// A message older than the last cutoff on a destination that only
	// started failing: timed out, next try now.
	u2 := &Update{Rules: rs, DB: db, Now: t0, Received: t0.Add(-2 * 24 * time.Hour)}
	out, err := u2.Apply(nil, nil, []*item.Address{deferred("v@d.ex", "T:h2:1.2.3.5", item.RetryHost)})
	if err != nil {
		t.Fatal(err)
	}
	if rec := get(t, db, "T:h2:1.2.3.5"); len(out) != 1 || !rec.NextTry.Equal(t0) || rec.Expired {
		t.Errorf("old message: out %d rec %+v", len(out), rec)
	}
}

func TestUpdateIntervalMaxAndExpire(t *testing.T) {
	rs := rulesFor(t, "* * F,9d,2d\n")
	rs.IntervalMax = 24 * time.Hour
	db := openDB(t)
	u := &Update{Rules: rs, DB: db, Now: t0, Received: t0}
	u.Apply(nil, nil, []*item.Address{deferred("u@d.ex", "R:d.ex", 0)})
	if rec := get(t, db, "R:d.ex"); !rec.NextTry.Equal(t0.Add(24 * time.Hour)) {
		t.Errorf("capped next %v", rec.NextTry)
	}
	// Data older than retry_data_expire (7d) starts afresh.
	later := t0.Add(8 * 24 * time.Hour)
	u = &Update{Rules: rs, DB: db, Now: later, Received: later}
	u.Apply(nil, nil, []*item.Address{deferred("u@d.ex", "R:d.ex", 0)})
	if rec := get(t, db, "R:d.ex"); !rec.FirstFailed.Equal(later) {
		t.Errorf("expired data kept: %+v", rec)
	}
}

func TestUpdateNoRuleAndDeletes(t *testing.T) {
	rs := rulesFor(t, "only.ex * F,1h,10m\n")
	db := openDB(t)
	u := &Update{Rules: rs, DB: db, Now: t0, Received: t0}
	out, _ := u.Apply(nil, nil, []*item.Address{deferred("u@d.ex", "R:d.ex", 0)})
	if len(out) != 1 {
		t.Errorf("no rule should time out")
	}
	if _, ok, _ := db.Get("R:d.ex"); ok {
		t.Errorf("no rule: nothing is written")
	}
	// A success deletes; a message-specific item goes when the message is
	// finished (no deferred addresses), even when it asks for an update.
	db.Put("T:h:1.1.1.1", (&Record{Stamp: t0}).Encode())
	db.Put("T:h:1.1.1.1:1xXtXs-0006vK-1i", (&Record{Stamp: t0}).Encode())
	ok := item.New("a@only.ex")
	ok.Retries = []item.RetryItem{{Key: "T:h:1.1.1.1", Flags: item.RetryDelete | item.RetryHost},
		{Key: "T:h:1.1.1.1:1xXtXs-0006vK-1i", Flags: item.RetryMessage}}
	u.Apply([]*item.Address{ok}, nil, nil)
	for _, k := range []string{"T:h:1.1.1.1", "T:h:1.1.1.1:1xXtXs-0006vK-1i"} {
		if _, found, _ := db.Get(k); found {
			t.Errorf("%s not deleted", k)
		}
	}
}

func TestUpdateSkippedAndRetryKey(t *testing.T) {
	rs := rulesFor(t, "* * F,1h,10m\n")
	db := openDB(t)
	u := &Update{Rules: rs, DB: db, Now: t0.Add(2 * time.Hour), Received: t0}
	db.Put("R:d.ex", (&Record{Stamp: t0.Add(time.Hour), FirstFailed: t0, LastTry: t0, NextTry: t0}).Encode())
	a := deferred("u@d.ex", "R:d.ex", 0)
	a.RetrySkipped = true
	if out, _ := u.Apply(nil, nil, []*item.Address{a}); len(out) != 0 {
		t.Errorf("skipped hosts: must not time out")
	}
	if rec := get(t, db, "R:d.ex"); !rec.Expired {
		t.Errorf("record should be expired: %+v", rec)
	}
	// A deferred address with only RetryKey set.
	b := item.New("v@e.ex")
	b.Result, b.RetryKey, b.BasicErrno = item.Defer, "R:e.ex", 111
	u.Apply(nil, nil, []*item.Address{b})
	if rec := get(t, db, "R:e.ex"); rec.Text != "Connection refused" || rec.BasicErrno != 111 {
		t.Errorf("from RetryKey: %+v", rec)
	}
}

func TestHRule(t *testing.T) {
	rs := rulesFor(t, "* * H,1d,10m,3\n")
	db := openDB(t)
	db.Put("R:d.ex", (&Record{Stamp: t0, FirstFailed: t0, LastTry: t0, NextTry: t0.Add(time.Hour)}).Encode())
	now := t0.Add(2 * time.Hour)
	u := &Update{Rules: rs, DB: db, Now: now, Received: t0, Random: func(n int) int { return n - 1 }}
	u.Apply(nil, nil, []*item.Address{deferred("u@d.ex", "R:d.ex", 0)})
	// last gap 1h, next gap 3h: 10m + (3h-10m-1s)/2 + (3h-10m)/2.
	want := now.Add(10*time.Minute + (10200-1)/2*time.Second + 10200/2*time.Second)
	if rec := get(t, db, "R:d.ex"); !rec.NextTry.Equal(want) {
		t.Errorf("H next %v want %v", rec.NextTry, want)
	}
}
