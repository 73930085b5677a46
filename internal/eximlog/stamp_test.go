package eximlog

import (
	"testing"
	"time"
)

func TestTimestamp(t *testing.T) {
	utc := time.Date(2026, 11, 30, 4, 17, 8, 123456789, time.UTC)
	for _, tc := range []struct {
		loc            *time.Location
		millisec, zone bool
		want           string
	}{
		{time.UTC, false, false, "2026-11-30 04:17:08"},
		{time.UTC, true, false, "2026-11-30 04:17:08.123"},
		{time.UTC, false, true, "2026-11-30 04:17:08 +0000"},
		{time.UTC, true, true, "2026-11-30 04:17:08.123 +0000"},
		// Seen from Exim 4.96 with timezone = America/St_Johns, Asia/Kolkata.
		{time.FixedZone("NST", -(3*3600 + 30*60)), true, true, "2026-11-30 00:47:08.123 -0330"},
		{time.FixedZone("IST", 5*3600+30*60), false, true, "2026-11-30 09:47:08 +0530"},
		// C's division: half an hour west has no minus sign.
		{time.FixedZone("X", -30*60), false, true, "2026-11-30 03:47:08 +0030"},
	} {
		got := string(appendTimestamp(nil, utc.In(tc.loc), tc.millisec, tc.zone))
		if got != tc.want {
			t.Errorf("got %q want %q", got, tc.want)
		}
	}
	if d := datestamp(utc, 'D'); d != "20261130" {
		t.Errorf("%%D = %s", d)
	}
	if m := datestamp(utc, 'M'); m != "202611" {
		t.Errorf("%%M = %s", m)
	}
}
