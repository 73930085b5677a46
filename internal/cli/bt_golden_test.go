package cli

// Golden address tests: every directory under testdata/bt/ holds a
// configuration, the command line (-bt, -bv or -bvs with addresses) and
// what Exim 4.96 answered (stdout, exit status, stderr), recorded by
// scripts/record-bt-goldens; Exim writes its log lines (and -bt its
// debug_print lines) to standard error when testing addresses. exigo must
// answer the same, with DNS from
// testdata/bt/zone.txt served on loopback.

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"exigo/scripts/testdns/testenv"
)

// btKnownFailing lists cases exigo does not match yet, with why.
var btKnownFailing = map[string]string{
	"filter": "Exim runs Exim and Sieve filters; exigo does not, and defers the address (logging why)",
}

func TestGoldenBT(t *testing.T) {
	dataDir, err := filepath.Abs("../../testdata/bt")
	if err != nil {
		t.Fatal(err)
	}
	useGoldenDNS(t, dataDir)
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	cases, addrs, failed := 0, 0, 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(dataDir, e.Name())
		cases++
		addrs += countAddresses(t, dir)
		if !t.Run(e.Name(), func(t *testing.T) {
			if why, known := btKnownFailing[e.Name()]; known && os.Getenv("EXIGO_BT_ALL") == "" {
				t.Skipf("known to differ from Exim: %s", why)
			}
			checkBTCase(t, dir)
		}) {
			failed++
		}
	}
	t.Logf("-bt/-bv cases: %d (%d addresses), known to differ %d, failed %d (EXIGO_BT_ALL=1 runs the known ones too)",
		cases, addrs, len(btKnownFailing), failed)
}

// countAddresses counts the addresses a case's command line tests.
func countAddresses(t *testing.T, dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	fields := strings.Fields(string(b))
	for i := 0; i < len(fields); i++ {
		switch f := fields[i]; {
		case f == "-f":
			i++ // the sender
		case !strings.HasPrefix(f, "-"):
			n += len(splitAddressArg(f))
		}
	}
	return n
}

func checkBTCase(t *testing.T, dir string) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tmp := t.TempDir()
	for _, sub := range []string{"spool", "log"} {
		if err := os.Mkdir(filepath.Join(tmp, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyCaseFiles(t, dir, tmp)
	confPath := filepath.Join(tmp, "conf")
	if err := os.WriteFile(confPath, []byte(strings.ReplaceAll(read("conf"), "TESTDIR", tmp)), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"exigo", "-C", confPath}, strings.Fields(strings.ReplaceAll(read("args"), "TESTDIR", tmp))...)
	r := runExigo(args, "", time.Minute)
	if r.panicked != nil || r.timedOut {
		t.Fatalf("exigo %s: panic %v, timed out %v\nstdout:\n%s", strings.Join(args, " "), r.panicked, r.timedOut, r.stdout)
	}
	if want := read("stdout"); strings.ReplaceAll(r.stdout, tmp, "TESTDIR") != want {
		t.Errorf("stdout differs from Exim's (- Exim, + exigo):\n%s", lineDiff(want, strings.ReplaceAll(r.stdout, tmp, "TESTDIR")))
	}
	if want, _ := strconv.Atoi(strings.TrimSpace(read("status"))); r.rc != want {
		t.Errorf("exit status %d, Exim's %d", r.rc, want)
	}
	gotErr := btTimeStamp.ReplaceAllString(strings.ReplaceAll(r.stderr, tmp, "TESTDIR"), "TIME ")
	if want := read("stderr"); gotErr != want {
		t.Errorf("standard error differs from Exim's (- Exim, + exigo):\n%s", lineDiff(want, gotErr))
	}
}

// copyCaseFiles copies files/ into dir (mode 0644) and applies modes.
func copyCaseFiles(t *testing.T, caseDir, dir string) {
	entries, _ := os.ReadDir(filepath.Join(caseDir, "files"))
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(caseDir, "files", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		b = []byte(strings.ReplaceAll(string(b), "TESTDIR", dir))
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(filepath.Join(caseDir, "modes"))
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, mode, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok {
			continue
		}
		m, err := strconv.ParseUint(strings.TrimSpace(mode), 8, 32)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(dir, name), os.FileMode(m)); err != nil {
			t.Fatal(err)
		}
	}
}

// btTimeStamp starts a log line Exim writes to standard error.
var btTimeStamp = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d `)

// useGoldenDNS serves dataDir's zone.txt on loopback and points exigo's
// resolver at it, never at the machine's (dnstest.Start finds a port
// whose UDP and TCP are both free).
func useGoldenDNS(t *testing.T, dataDir string) {
	t.Helper()
	srv, err := testenv.StartDNS(filepath.Join(dataDir, "zone.txt"), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	t.Setenv("EXIGO_DNS_SERVERS", srv.Addr)
	t.Setenv("EXIGO_NO_SYSTEM_RESOLVER", "1")
}
