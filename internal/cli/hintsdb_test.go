package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"exigo/internal/hints"
	"exigo/internal/retry"
)

func TestParseDBArgs(t *testing.T) {
	for _, c := range []struct {
		cmd       string
		args      string
		needSpool bool
		ok        bool
		want      dbArgs
	}{
		{"dumpdb", "retry", false, true, dbArgs{name: "retry"}},
		{"dumpdb", "-z -k /var/spool/exim wait-smtp", false, true, dbArgs{utc: true, keys: true, spool: "/var/spool/exim", name: "wait-smtp"}},
		{"tidydb", "-t 1d retry", false, true, dbArgs{keep: 24 * time.Hour, name: "retry"}},
		{"tidydb", "-t 2h /s misc", true, true, dbArgs{keep: 2 * time.Hour, spool: "/s", name: "misc"}},
		{"dumpdb", "retry", true, false, dbArgs{}},
		{"dumpdb", "-t 1d /s retry", true, false, dbArgs{}},
		{"tidydb", "-t bogus /s retry", true, false, dbArgs{}},
		{"dumpdb", "-x /s retry", true, false, dbArgs{}},
		{"dumpdb", "a b c", true, false, dbArgs{}},
	} {
		got, ok := parseDBArgs(c.cmd, strings.Fields(c.args), c.needSpool)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("%s %q: %+v %v", c.cmd, c.args, got, ok)
		}
	}
}

// Installed as exim_dumpdb, exigo takes Exim's arguments and prints
// wait records as Exim's utility does (and its usage text on stdout).
func TestDBUtilityNames(t *testing.T) {
	spool := t.TempDir()
	db, err := hints.Open(spool, "wait-smtp")
	if err != nil {
		t.Fatal(err)
	}
	rec := retry.WaitRecord{Stamp: time.Now(), IDs: []string{"1xXtXs-0006vK-1i", "1xXtXs-0006vM-1k"}}
	db.Put("mx.example", rec.Encode())
	db.Close()
	var out, errs bytes.Buffer
	if rc := Main([]string{"/usr/sbin/exim_dumpdb", spool, "wait-smtp"}, nil, &out, &errs); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errs.String())
	}
	if out.String() != "mx.example 1xXtXs-0006vK-1i 1xXtXs-0006vM-1k \n" {
		t.Errorf("dump: %q", out.String())
	}
	out.Reset()
	if rc := Main([]string{"exim_tidydb", "retry"}, nil, &out, &errs); rc != 1 ||
		out.String() != "Usage: exim_tidydb [-t <time>]  <spool-directory> <database-name>\n"+
			"  <database-name> = retry | misc | wait-<transport-name> | callout | ratelimit | tls | seen\n" {
		t.Errorf("usage: rc %d %q", rc, out.String())
	}
	out.Reset()
	if rc := Main([]string{"exim_tidydb", spool, "wait-smtp"}, nil, &out, &errs); rc != 0 ||
		!strings.Contains(out.String(), "deleted mx.example (empty)") {
		t.Errorf("tidy: rc %d %q", rc, out.String())
	}
}
