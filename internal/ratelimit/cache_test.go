package ratelimit

import (
	"strings"
	"testing"
	"time"

	"exigo/internal/hints"
)

// eval runs arg in session s without starting a new command.
func eval(t *testing.T, s *Session, db *hints.DB, arg string, in *Input, now time.Time) string {
	t.Helper()
	sp, err := Parse(arg, in)
	if err != nil {
		t.Fatal(err)
	}
	_, v, err := s.Check(db, sp, now)
	if err != nil {
		t.Fatal(err)
	}
	return v.Rate
}

func TestPerMailCountedOncePerMessage(t *testing.T) {
	db := testDB(t)
	var s Session
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	// One message: checked at MAIL and at each RCPT, counted once.
	got := []string{eval(t, &s, db, "10/1h", at(WhereMAIL, "MAIL"), ms(0))}
	for i := 1; i <= 2; i++ {
		s.NewCommand()
		got = append(got, eval(t, &s, db, "10/1h", rcpt(), ms(i)))
	}
	s.NewMessage() // the next message in the connection counts again
	s.NewCommand()
	got = append(got, eval(t, &s, db, "10/1h", at(WhereMAIL, "MAIL"), ms(3)))
	if want := "1.0 1.0 1.0 2.0"; join(got) != want {
		t.Errorf("rates %s, want %s", join(got), want)
	}
}

func TestPerConnSurvivesMessages(t *testing.T) {
	db := testDB(t)
	var s Session
	connect := at(9, "connection")
	got := []string{eval(t, &s, db, "10/1h/per_conn", connect, t0)}
	s.NewMessage()
	s.NewCommand()
	got = append(got, eval(t, &s, db, "10/1h/per_conn", rcpt(), t0.Add(time.Second)))
	var next Session // a new connection
	got = append(got, eval(t, &next, db, "10/1h/per_conn", connect, t0.Add(2*time.Second)))
	if want := "1.0 1.0 2.0"; join(got) != want {
		t.Errorf("rates %s, want %s", join(got), want)
	}
}

func TestPerRcptPerCommand(t *testing.T) {
	db := testDB(t)
	var s Session
	var got []string
	for i := 0; i < 3; i++ {
		s.NewCommand()
		got = append(got, eval(t, &s, db, "10/1h/per_rcpt/strict", rcpt(), t0.Add(time.Duration(i)*time.Millisecond)))
		// The same condition again in the same RCPT ACL: no double count.
		got = append(got, eval(t, &s, db, "10/1h/per_rcpt/strict", rcpt(), t0.Add(time.Duration(i)*time.Millisecond)))
	}
	if want := "1.0 1.0 2.0 2.0 3.0 3.0"; join(got) != want {
		t.Errorf("rates %s, want %s", join(got), want)
	}
}

// A readonly check is remembered only for the command: a later update
// in the same command sees its value, the next command recomputes.
func TestReadonlyCachedPerCommand(t *testing.T) {
	db := testDB(t)
	var s Session
	got := []string{
		eval(t, &s, db, "10/1h/per_cmd/readonly", rcpt(), t0),
		eval(t, &s, db, "10/1h/per_cmd", rcpt(), t0), // same key, found in the command cache
	}
	s.NewCommand()
	got = append(got, eval(t, &s, db, "10/1h/per_cmd", rcpt(), t0))
	if want := "0.0 0.0 1.0"; join(got) != want {
		t.Errorf("rates %s, want %s", join(got), want)
	}
}

func TestVarsAndDefer(t *testing.T) {
	sp, _ := Parse("2k / 1d / per_cmd", rcpt())
	var s Session
	over, v, err := s.Check(nil, sp, t0)
	e, _ := err.(*Error)
	if over || e == nil || !e.Defer || e.Msg != "ratelimit database not available" {
		t.Errorf("no database: over=%v err=%v", over, err)
	}
	if v != (Vars{Limit: "2k", Period: "1d"}) {
		t.Errorf("vars %+v", v)
	}
	db := testDB(t)
	_, v, _ = s.Check(db, sp, t0)
	if v != (Vars{Rate: "1.0", Limit: "2k", Period: "1d"}) {
		t.Errorf("vars %+v", v)
	}
}

func TestDebugLines(t *testing.T) {
	db := testDB(t)
	var lines []string
	s := Session{Debug: func(l string) { lines = append(lines, l) }}
	in := rcpt()
	eval(t, &s, db, "3 / 1h / per_addr", in, t0)
	eval(t, &s, db, "3 / 1h / per_addr", in, t0)
	want := []string{
		"ratelimit condition count=1 3.0/1h/per_rcpt/unique/10.0.0.1",
		"ratelimit creating new Bloom filter",
		"ratelimit checking uniqueness of u1@d",
		"ratelimit event added to Bloom filter",
		"ratelimit initializing new key's rate data",
		"ratelimit db updated",
		"ratelimit computed rate 1.0",
		"ratelimit condition count=1 3.0/1h/per_rcpt/unique/10.0.0.1",
		"ratelimit found pre-computed rate 1.0",
	}
	if join(lines) != join(want) {
		t.Errorf("debug:\n%s\nwant:\n%s", joinLines(lines), joinLines(want))
	}
}

func TestDumpLine(t *testing.T) {
	db := testDB(t)
	now := time.Date(2026, 11, 30, 4, 19, 39, 596352000, time.UTC)
	for i, lp := range []string{"u1", "u1", "u2"} {
		var s Session
		in := rcpt()
		in.LocalPart = lp
		eval(t, &s, db, "3 / 1h / per_addr", in, now)
		eval(t, &s, db, "3 / 1h / per_rcpt / strict / x//y", in, now.Add(time.Duration(i)*time.Microsecond))
	}
	var got []string
	db.Scan(func(k string, r hints.Record) bool {
		got = append(got, DumpLine(k, r.Data, time.UTC))
		return true
	})
	want := []string{
		"30-Nov-2026 04:19:39.596352 rate:      2.000 epoch: 30-Nov-2026 04:19:39 size: 40 key: 1h/per_rcpt/unique/10.0.0.1",
		"30-Nov-2026 04:19:39.596354 rate:      3.000 key: 1h/per_rcpt/x/y",
	}
	if joinLines(got) != joinLines(want) {
		t.Errorf("dump:\n%s\nwant:\n%s", joinLines(got), joinLines(want))
	}
}

func join(s []string) string      { return strings.Join(s, " ") }
func joinLines(s []string) string { return strings.Join(s, "\n") }
