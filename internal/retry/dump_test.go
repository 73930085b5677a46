package retry

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"exigo/internal/hints"
)

func putAll(t *testing.T, spool, name string, recs map[string][]byte) {
	t.Helper()
	db, err := hints.Open(spool, name)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for k, v := range recs {
		if err := db.Put(k, v); err != nil {
			t.Fatal(err)
		}
	}
}

func dump(t *testing.T, spool, name string, opt DumpOptions) (string, error) {
	var b bytes.Buffer
	opt.UTC = true
	err := DumpWith(&b, spool, name, opt)
	return b.String(), err
}

func TestDumpRetry(t *testing.T) {
	spool := t.TempDir()
	putAll(t, spool, "retry", map[string][]byte{
		"R:remote.ex": (&Record{Stamp: t0, BasicErrno: -36, Text: "host lookup did not complete",
			FirstFailed: t0, LastTry: t0, NextTry: t0.Add(30 * time.Minute)}).Encode(),
		"T:h:1.2.3.4": (&Record{Stamp: t0, BasicErrno: 111, MoreErrno: 'A', Text: "Connection refused",
			FirstFailed: t0, LastTry: t0, NextTry: t0, Expired: true}).Encode(),
	})
	got, err := dump(t, spool, "retry", DumpOptions{})
	want := "  R:remote.ex -36 0 host lookup did not complete\n" +
		"30-Nov-2026 12:00:00  30-Nov-2026 12:00:00  30-Nov-2026 12:30:00 \n" +
		"  T:h:1.2.3.4 111 65 Connection refused\n" +
		"30-Nov-2026 12:00:00  30-Nov-2026 12:00:00  30-Nov-2026 12:00:00 *\n"
	if err != nil || got != want {
		t.Errorf("dump:\n%s\nwant:\n%s (%v)", got, want, err)
	}
	got, _ = dump(t, spool, "retry", DumpOptions{KeysOnly: true})
	if got != "  R:remote.ex\n  T:h:1.2.3.4\n" {
		t.Errorf("keys: %q", got)
	}
}

func TestDumpOthers(t *testing.T) {
	spool := t.TempDir()
	stamp := make([]byte, 8)
	le.PutUint64(stamp, uint64(t0.Unix()))
	putAll(t, spool, "misc", map[string][]byte{"etrn-x": append(stamp, 1, 0, 0, 0, 0, 0, 0, 0)})
	putAll(t, spool, "seen", map[string][]byte{"k1": stamp})
	putAll(t, spool, "wait-smtp", map[string][]byte{
		"h.ex": (&WaitRecord{Stamp: t0, IDs: []string{"1xXtXs-0006vK-1i", "1xXtXs-0006vM-1k"}}).Encode(),
	})
	addr := append(append([]byte{}, stamp...), 1, 0, 0, 0, 0, 0, 0, 0)
	dom := make([]byte, 40)
	copy(dom, stamp)
	dom[8], dom[12], dom[16] = 2, 1, 0
	le.PutUint64(dom[24:], uint64(t0.Add(time.Hour).Unix()))
	putAll(t, spool, "callout", map[string][]byte{"u@d.ex": addr, "d.ex": dom})
	for _, c := range []struct{ name, want string }{
		{"misc", "30-Nov-2026 12:00:00 etrn-x\n"},
		{"seen", "k1\t30-Nov-2026 12:00:00\n"},
		{"wait-smtp", "h.ex 1xXtXs-0006vK-1i 1xXtXs-0006vM-1k \n"},
		{"callout", "30-Nov-2026 12:00:00 d.ex callout=reject postmaster=accept (30-Nov-2026 13:00:00) random=unknown\n" +
			"30-Nov-2026 12:00:00 u@d.ex callout=accept\n"},
	} {
		if got, err := dump(t, spool, c.name, DumpOptions{}); err != nil || got != c.want {
			t.Errorf("%s: %q (%v), want %q", c.name, got, err, c.want)
		}
	}
}

func TestDumpErrors(t *testing.T) {
	spool := t.TempDir()
	got, err := dump(t, spool, "retry", DumpOptions{})
	if err == nil || got != "** Failed to open database lock file "+spool+"/db/retry.lockfile: No such file or directory\n" {
		t.Errorf("missing: %q %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(spool, "db", "retry")); err == nil {
		t.Errorf("dump created the database")
	}
	got, err = dump(t, spool, "bogus", DumpOptions{})
	if err != ErrUsage || !strings.HasPrefix(got, "Usage: exim_dumpdb [-z] [-k]  <spool-directory> <database-name>\n") {
		t.Errorf("usage: %q %v", got, err)
	}
	bad := (&WaitRecord{Stamp: t0, IDs: []string{"1xXtXs-0006vK-1i", "bad id!!!!!!!!!!"}}).Encode()
	putAll(t, spool, "wait-x", map[string][]byte{"h": bad})
	var stderr bytes.Buffer
	got, err = dump(t, spool, "wait-x", DumpOptions{Err: &stderr})
	if err != ErrCorrupt || got != "h 1xXtXs-0006vK-1i \n" || !strings.HasPrefix(stderr.String(), "**** Data for h corrupted: bad character in message id\n62 61 64 ") {
		t.Errorf("corrupt: %q %q %v", got, stderr.String(), err)
	}
}

func TestTidy(t *testing.T) {
	spool := t.TempDir()
	const live, gone = "1xXtXs-0006vK-1i", "1xXtXs-0006vM-1k"
	os.MkdirAll(filepath.Join(spool, "input", "s"), 0o750)
	os.WriteFile(filepath.Join(spool, "input", "s", live+"-D"), nil, 0o640)
	old := &Record{Stamp: t0.Add(-40 * 24 * time.Hour)}
	fresh := &Record{Stamp: t0}
	putAll(t, spool, "retry", map[string][]byte{
		"R:old.ex": old.Encode(), "R:new.ex": fresh.Encode(),
		"T:h:1.2.3.4:" + live: fresh.Encode(), "T:h:1.2.3.4:" + gone: fresh.Encode(),
	})
	var b bytes.Buffer
	if err := TidyWith(&b, spool, "retry", TidyOptions{Now: t0}); err != nil {
		t.Fatal(err)
	}
	want := "Tidying Exim hints database " + spool + "/db/retry\n" +
		"deleted T:h:1.2.3.4:" + gone + " (no message)\n" +
		"deleted R:old.ex (too old)\n" +
		"Tidying complete\n"
	if b.String() != want {
		t.Errorf("tidy:\n%s\nwant:\n%s", b.String(), want)
	}
	got, _ := dump(t, spool, "retry", DumpOptions{KeysOnly: true})
	if got != "  R:new.ex\n  T:h:1.2.3.4:"+live+"\n" {
		t.Errorf("left: %q", got)
	}
}

func TestTidyWait(t *testing.T) {
	spool := t.TempDir()
	const live, gone = "1xXtXs-0006vK-1i", "1xXtXs-0006vM-1k"
	os.MkdirAll(filepath.Join(spool, "input"), 0o750)
	os.WriteFile(filepath.Join(spool, "input", live+"-D"), nil, 0o640)
	putAll(t, spool, "wait-smtp", map[string][]byte{
		"a.ex":   (&WaitRecord{Stamp: t0, IDs: []string{gone, live}}).Encode(),
		"b.ex":   (&WaitRecord{Stamp: t0, Sequence: 1, IDs: []string{gone}}).Encode(),
		"b.ex:0": (&WaitRecord{Stamp: t0, IDs: []string{live}}).Encode(),
		"c.ex":   (&WaitRecord{Stamp: t0, IDs: []string{gone}}).Encode(),
	})
	var b bytes.Buffer
	if err := TidyWith(&b, spool, "wait-smtp", TidyOptions{Now: t0}); err != nil {
		t.Fatal(err)
	}
	want := "Tidying Exim hints database " + spool + "/db/wait-smtp\n" +
		"deleted c.ex (empty)\n" +
		"renamed b.ex:0\n" +
		"updated b.ex\n" +
		"updated a.ex\n" +
		"Tidying complete\n"
	if b.String() != want {
		t.Errorf("tidy:\n%s\nwant:\n%s", b.String(), want)
	}
	got, _ := dump(t, spool, "wait-smtp", DumpOptions{})
	if got != "a.ex "+live+" \nb.ex "+live+" \n" {
		t.Errorf("left: %q", got)
	}
}
