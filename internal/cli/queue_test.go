package cli

import (
	"strings"
	"testing"

	"exigo/internal/deliver"
	"exigo/internal/spool"
)

// Exim 4.96's "Start queue run:" details, as it logged them for
// -q, -qf, -qff, -R t.example, -S a@ and -qf -R t.ex; the r and f flags
// of -R and -S as its queue_run writes them.
func TestQueueRunDetail(t *testing.T) {
	for _, c := range []struct {
		args string
		want string
	}{
		{"-q", "pid=7"},
		{"-qf", "pid=7 -qf"},
		{"-qff", "pid=7 -qff"},
		{"-R t.example", "pid=7 -R t.example"},
		{"-S a@", "pid=7 -S a@"},
		{"-qf -R t.ex", "pid=7 -qf -R t.ex"},
		{"-Rt.ex", "pid=7 -R t.ex"},
		{"-qR t.ex", "pid=7 -R t.ex"},
		{"-Rf t.ex", "pid=7 -qf -R t.ex"},
		{"-Rff t.ex", "pid=7 -qff -R t.ex"},
		{"-Rrf ^x@ -Sr y", "pid=7 -qf -Rr ^x@ -Sr y"},
		{"-qSrff y", "pid=7 -qff -Sr y"},
	} {
		o, err := parseArgs(append([]string{"exigo"}, strings.Fields(c.args)...))
		if err != nil {
			t.Fatalf("%s: %v", c.args, err)
		}
		sel, err := o.selection()
		if err != nil {
			t.Fatalf("%s: %v", c.args, err)
		}
		opt := deliver.Options{Force: o.QueueForce > 0, Thaw: o.QueueForce > 1}
		if got := queueRunDetail(7, opt, sel); got != c.want {
			t.Errorf("%s: %q, want %q", c.args, got, c.want)
		}
	}
	if _, err := parseArgs([]string{"exigo", "-Rf"}); err == nil {
		t.Error("-Rf without a string was taken")
	}
}

func TestSelectionTakes(t *testing.T) {
	h := &spool.Header{Sender: "Boss@Example.org", Recipients: []spool.Recipient{{Address: "done@t.ex"}, {Address: "Jo@Other.ex"}},
		NonRecipients: nil}
	h.NonRecipients, _ = h.NonRecipients.Insert("done@t.ex")
	for _, c := range []struct {
		args string
		want bool
	}{
		{"-R other.EX", true},
		{"-R t.ex", false}, // only a delivered recipient matches
		{"-Rr ^jo@", true},
		{"-Rr ^o@", false},
		{"-S boss@", true},
		{"-S boss@ -R nomatch", false},
		{"-Sr example\\.org$ -R jo", true},
	} {
		o, _ := parseArgs(append([]string{"exigo"}, strings.Fields(c.args)...))
		sel, err := o.selection()
		if err != nil {
			t.Fatal(err)
		}
		if got := sel.takes(h); got != c.want {
			t.Errorf("%s: %v, want %v", c.args, got, c.want)
		}
	}
}
