package ratelimit

import (
	"math"
	"strings"
	"testing"
	"time"

	"exigo/internal/hints"
)

var t0 = time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC)

func testDB(t *testing.T) *hints.DB {
	t.Helper()
	db, err := hints.Open(t.TempDir(), "ratelimit")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// check parses and evaluates arg in a fresh command of session s.
func check(t *testing.T, s *Session, db *hints.DB, arg string, in *Input, now time.Time) (bool, string) {
	t.Helper()
	sp, err := Parse(arg, in)
	if err != nil {
		t.Fatal(err)
	}
	s.NewCommand()
	over, v, err := s.Check(db, sp, now)
	if err != nil {
		t.Fatal(err)
	}
	return over, v.Rate
}

// storedRate reads the rate straight from the database.
func storedRate(t *testing.T, db *hints.DB, key string) (float64, bool) {
	t.Helper()
	r, ok, err := db.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return 0, false
	}
	return block(r.Data).rate(), true
}

// A fast burst reaches the limit after m events (the manual: m is also
// the number of messages permitted in a fast burst).
func TestBurstReachesLimit(t *testing.T) {
	db := testDB(t)
	for i := 1; i <= 11; i++ {
		var s Session // a new connection each time: nothing cached
		over, rate := check(t, &s, db, "10 / 1h", rcpt(), t0.Add(time.Duration(i)*time.Millisecond))
		if over != (i == 11) {
			t.Errorf("message %d: over=%v rate=%s", i, over, rate)
		}
		if want := formatF(float64(i), 1); rate != want {
			t.Errorf("message %d: rate %s, want %s", i, rate, want)
		}
	}
}

// Smoothing: the manual's formula with an injected clock.
func TestSmoothingOverTime(t *testing.T) {
	db := testDB(t)
	key := "1h/per_mail/10.0.0.1"
	var s Session
	check(t, &s, db, "100/1h/strict", rcpt(), t0)
	if r, _ := storedRate(t, db, key); r != 1 {
		t.Fatalf("first event rate %v, want the count", r)
	}
	// Two events 10 minutes apart: a = exp(-1/6), rate = (1-a)*6 + a*1.
	check(t, &Session{}, db, "100/1h/strict", rcpt(), t0.Add(10*time.Minute))
	a := math.Exp(-1.0 / 6)
	want := (1-a)*6 + a
	if r, _ := storedRate(t, db, key); math.Abs(r-want) > 1e-12 {
		t.Errorf("rate %v, want %v", r, want)
	}
	// After a long silence the next event counts as one per period
	// again, not as the tiny average.
	check(t, &Session{}, db, "100/1h/strict", rcpt(), t0.Add(48*time.Hour))
	if r, _ := storedRate(t, db, key); r != 1 {
		t.Errorf("after silence rate %v, want 1", r)
	}
	// A clock going back does not divide by zero.
	_, rate := check(t, &Session{}, db, "100/1h/strict", rcpt(), t0)
	if rate != "2.0" {
		t.Errorf("clock went back: rate %s", rate)
	}
}

// Readonly decays the stored rate without adding to it or storing it.
func TestReadonlyDecays(t *testing.T) {
	db := testDB(t)
	for i := 0; i < 10; i++ {
		check(t, &Session{}, db, "100/1h/strict", rcpt(), t0)
	}
	before, _ := storedRate(t, db, "1h/per_mail/10.0.0.1")
	over, rate := check(t, &Session{}, db, "5/1h/readonly", rcpt(), t0.Add(time.Hour))
	if rate != formatF(10/math.E, 1) || over {
		t.Errorf("after one period: rate %s over %v, want %s", rate, over, formatF(10/math.E, 1))
	}
	r, _ := storedRate(t, db, "1h/per_mail/10.0.0.1")
	if r != before {
		t.Errorf("readonly changed the stored rate to %v", r)
	}
	_, rate = check(t, &Session{}, db, "5/1h/noupdate", rcpt(), t0.Add(10*time.Hour))
	if rate != "0.0" {
		t.Errorf("readonly with no count: rate %s, want the decayed 0.0", rate)
	}
	// readonly on a key never seen: rate 0, nothing stored.
	_, rate = check(t, &Session{}, db, "5/1h/readonly/other", rcpt(), t0)
	if _, ok := storedRate(t, db, "1h/per_mail/other"); ok || rate != "0.0" {
		t.Errorf("readonly created a record (rate %s)", rate)
	}
}

// Leaky does not record events over the limit; strict does.
func TestLeakyVersusStrict(t *testing.T) {
	for _, mode := range []string{"leaky", "strict"} {
		db := testDB(t)
		var last string
		for i := 0; i < 8; i++ {
			_, last = check(t, &Session{}, db, "3/1h/"+mode, rcpt(), t0.Add(time.Duration(i)*time.Second))
		}
		stored, _ := storedRate(t, db, "1h/per_mail/10.0.0.1")
		if mode == "leaky" && (last != "4.0" || stored >= 3) {
			t.Errorf("leaky: computed %s stored %v; want the 4th and later events unrecorded", last, stored)
		}
		if mode == "strict" && (last != "8.0" || stored < 7.9) {
			t.Errorf("strict: computed %s stored %v; want all 8 events recorded", last, stored)
		}
	}
}

// Clients at the limit are over it: a limit of zero blocks everything.
func TestZeroLimit(t *testing.T) {
	db := testDB(t)
	over, rate := check(t, &Session{}, db, "0/1h/strict", rcpt(), t0)
	if !over || rate != "1.0" {
		t.Errorf("over=%v rate=%s", over, rate)
	}
}

// per_addr counts each recipient address once per period.
func TestPerAddrUnique(t *testing.T) {
	db := testDB(t)
	key := "1h/per_rcpt/unique/10.0.0.1"
	send := func(lp string, at time.Time) string {
		in := rcpt()
		in.LocalPart = lp
		_, rate := check(t, &Session{}, db, "100/1h/per_addr", in, at)
		return rate
	}
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	got := []string{send("u1", ms(0)), send("u1", ms(1)), send("u2", ms(2)), send("U1", ms(3)), send("u2", ms(4))}
	want := []string{"1.0", "1.0", "2.0", "3.0", "3.0"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rates %v, want %v", got, want)
	}
	r, _, _ := db.Get(key)
	if len(r.Data) != uniqueSize+2*100-minBloomBytes || block(r.Data).bloomSize() != 200 {
		t.Errorf("record %d bytes, filter %d; want Exim's 240 and 200", len(r.Data), block(r.Data).bloomSize())
	}
	// After a period the filter starts again: u1 counts once more, and
	// the rate carries on from the stored one.
	later := t0.Add(time.Hour + time.Second)
	rate := send("u1", later)
	a := math.Exp(-(3600.0 + 1 - 0.004) / 3600)
	if want := formatF(math.Max(1, (1-a)/((3600.0+1-0.004)/3600)+a*3), 1); rate != want {
		t.Errorf("after a period: rate %s, want %s", rate, want)
	}
	if e := block(mustGet(t, db, key)).epoch(); e != later.Unix() {
		t.Errorf("filter epoch %d, want %d", e, later.Unix())
	}
}

// A small limit still gets Exim's minimum 40-byte filter.
func TestBloomMinimumSize(t *testing.T) {
	db := testDB(t)
	check(t, &Session{}, db, "3/1h/unique=x", rcpt(), t0)
	d := mustGet(t, db, "1h/per_mail/unique/10.0.0.1")
	if len(d) != uniqueSize || block(d).bloomSize() != 40 {
		t.Errorf("record %d bytes filter %d, want 80 and 40", len(d), block(d).bloomSize())
	}
}

// In leaky mode an event that takes the client over the limit is not
// added to the filter (the manual, "Limiting the rate of different events").
func TestLeakyUniqueNotRemembered(t *testing.T) {
	db := testDB(t)
	for i, lp := range []string{"a", "b", "c"} {
		in := rcpt()
		in.LocalPart = lp
		check(t, &Session{}, db, "2/1h/per_addr", in, t0.Add(time.Duration(i)*time.Millisecond))
	}
	in := rcpt()
	in.LocalPart = "c"
	sp, _ := Parse("2/1h/per_addr", in)
	var s Session
	var lines []string
	s.Debug = func(l string) { lines = append(lines, l) }
	s.Check(db, sp, t0.Add(time.Second))
	if !strings.Contains(strings.Join(lines, "\n"), "event added to Bloom filter") {
		t.Errorf("c was remembered although it went over the limit:\n%s", strings.Join(lines, "\n"))
	}
}

func mustGet(t *testing.T, db *hints.DB, key string) []byte {
	t.Helper()
	r, ok, err := db.Get(key)
	if !ok || err != nil {
		t.Fatalf("no record %q: %v", key, err)
	}
	return r.Data
}

func BenchmarkCheckStrict(b *testing.B) {
	db, err := hints.Open(b.TempDir(), "ratelimit")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	sp, _ := Parse("100/1h/per_rcpt/strict", rcpt())
	now := t0
	for b.Loop() {
		var s Session
		now = now.Add(time.Millisecond)
		if _, _, err := s.Check(db, sp, now); err != nil {
			b.Fatal(err)
		}
	}
}
