package deliver

import (
	"strings"
	"testing"
	"time"

	"exigo/internal/item"
	"exigo/internal/transport"
)

// A bounce (null sender) whose recipient fails is frozen and kept, not
// reported; once older than ignore_bounce_errors_after (10w by default)
// its failures are dropped; and -Mg on it freezes nothing.
func TestFailedBounceFreezes(t *testing.T) {
	for _, c := range []struct {
		name   string
		age    time.Duration
		opt    Options
		frozen bool
	}{
		{"fresh", 0, Options{}, true},
		{"old", 11 * 7 * 24 * time.Hour, Options{}, false},
		{"given up", 0, Options{GiveUp: true}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, _, id, dir := setup(t, "fail@local.test")
			h, _ := d.Spool.ReadHeader(id)
			h.Sender, h.Received = "", time.Now().Add(-c.age)
			if err := d.Spool.Rewrite(h); err != nil {
				t.Fatal(err)
			}
			var reported []*item.Address
			d.Bounce = func(msg *transport.Message, failed []*item.Address) error {
				reported = append(reported, failed...)
				return nil
			}
			if err := d.Deliver(id, c.opt); err != nil {
				t.Fatal(err)
			}
			log := mainlog(dir)
			h, err := d.Spool.ReadHeader(id)
			if c.frozen {
				if err != nil || !h.Frozen || !strings.Contains(log, id+" Frozen (delivery error message)\n") || len(reported) != 0 {
					t.Fatalf("not frozen (%v, reported %d):\n%s", err, len(reported), log)
				}
				return
			}
			if err == nil || strings.Contains(log, "Frozen") || !strings.Contains(log, id+" Completed") {
				t.Fatalf("frozen or kept:\n%s", log)
			}
		})
	}
}
