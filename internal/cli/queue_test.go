package cli

import (
	"testing"

	"exigo/internal/deliver"
)

// Exim 4.96's "Start queue run:" details, as it logged them for
// -q, -qf, -qff, -R t.example, -S a@ and -qf -R t.ex.
func TestQueueRunDetail(t *testing.T) {
	for _, c := range []struct {
		opt          deliver.Options
		rcpt, sender string
		want         string
	}{
		{deliver.Options{}, "", "", "pid=7"},
		{deliver.Options{Force: true}, "", "", "pid=7 -qf"},
		{deliver.Options{Force: true, Thaw: true}, "", "", "pid=7 -qff"},
		{deliver.Options{}, "t.example", "", "pid=7 -R t.example"},
		{deliver.Options{}, "", "a@", "pid=7 -S a@"},
		{deliver.Options{Force: true}, "t.ex", "", "pid=7 -qf -R t.ex"},
	} {
		if got := queueRunDetail(7, c.opt, c.rcpt, c.sender); got != c.want {
			t.Errorf("queueRunDetail(%+v, %q, %q) = %q, want %q", c.opt, c.rcpt, c.sender, got, c.want)
		}
	}
}
