package deliver

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"exigo/internal/item"
	"exigo/internal/transport"
)

// Each transport run starts with the earlier deliveries synced to the
// journal: a crash during it cannot repeat them.
func TestJournalBeforeEachTransportRun(t *testing.T) {
	d, _, id, _ := setup(t, "a@local.test", "b@local.test", "c@local.test")
	var seen [][]string
	d.RunAs = func(uid, gid int, ig bool, name string, msg *transport.Message, addrs []*item.Address) error {
		j, _ := d.Spool.ReadJournal(id)
		seen = append(seen, j)
		for _, a := range addrs {
			a.Result = item.OK
		}
		return nil
	}
	if err := d.Deliver(id, Options{}); err != nil {
		t.Fatal(err)
	}
	want := [][]string{nil, {"a@local.test"}, {"a@local.test", "b@local.test"}}
	if !slices.EqualFunc(seen, want, slices.Equal) {
		t.Fatalf("journal before each run: %q, want %q", seen, want)
	}
	if _, err := os.Stat(d.Spool.InputPath(id, "-J")); err == nil {
		t.Fatal("journal left behind")
	}
}

// A message one transport run finishes never writes a journal: a
// directory in the journal's place would make opening one fail.
func TestNoJournalForOneRun(t *testing.T) {
	d, ft, id, dir := setup(t, "a@local.test")
	if err := os.Mkdir(d.Spool.InputPath(id, "-J"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := d.Deliver(id, Options{}); err != nil {
		t.Fatal(err)
	}
	if ft.got["a@local.test"] == "" {
		t.Fatal("not delivered")
	}
	if p, _ := os.ReadFile(filepath.Join(dir, "log", "paniclog")); len(p) > 0 {
		t.Fatalf("paniclog: %s", p)
	}
}
