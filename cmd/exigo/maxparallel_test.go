package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// max_parallel = 1 on a slow pipe transport, three messages delivered by
// three exigo processes at once (-M): one gets the transport, the others
// are deferred with Exim 4.96's line (recorded from Debian's Exim with
// the same configuration), and later queue runs deliver them.
func TestMaxParallelAcrossProcesses(t *testing.T) {
	bin := buildExigo(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "exigo.conf")
	os.WriteFile(conf, []byte(fmt.Sprintf(`
primary_hostname = sender.test
spool_directory = %[1]s/spool
log_file_path = %[1]s/log/%%slog
begin routers
local:
  driver = accept
  transport = slow
begin transports
slow:
  driver = pipe
  command = /bin/sh -c 'sleep 1; cat >> %[1]s/out'
  max_parallel = ${if eq{1}{1}{1}}
`, dir)), 0o644)
	for i := 1; i <= 3; i++ {
		runAs(t, dir, bin, "Subject: t\n\nbody\n", "-C", conf, "-odq", "-f", "s@x.test", fmt.Sprintf("u%d@x.test", i))
	}
	ids := spoolIDsIn(t, filepath.Join(dir, "spool"))
	if len(ids) != 3 {
		t.Fatalf("spool holds %v", ids)
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, "-C", conf, "-M", id)
			cmd.Env = append(os.Environ(), "EXIGO_NO_SYSTEM_RESOLVER=1")
			asUnprivileged(t, cmd, dir)
			cmd.Run()
		}()
	}
	wg.Wait()
	log := readFile(t, filepath.Join(dir, "log", "mainlog"))
	deferred := strings.Count(log, "R=local T=slow defer (-57): concurrency limit reached for transport")
	if deferred != 2 || strings.Count(log, "Completed") != 1 {
		t.Fatalf("want 2 deferrals and 1 delivery:\n%s", log)
	}
	// exigo's queue runs deliver several messages at once, so a run may
	// meet the limit again; each run delivers at least one.
	for run := 0; run < 2 && strings.Count(log, "Completed") < 3; run++ {
		runAs(t, dir, bin, "", "-C", conf, "-q")
		log = readFile(t, filepath.Join(dir, "log", "mainlog"))
	}
	if n := strings.Count(log, "Completed"); n != 3 {
		t.Fatalf("after the queue run %d of 3 completed:\n%s", n, log)
	}
	if n := strings.Count(readFile(t, filepath.Join(dir, "out")), "\nbody\n"); n != 3 {
		t.Fatalf("%d bodies delivered, want 3", n)
	}
	dump := runAs(t, dir, bin, "", "-C", conf, "-bdumpdb", "misc")
	if strings.Contains(dump, "tpt-serialize-slow") {
		t.Fatalf("serialization record left behind:\n%s", dump)
	}
}

func spoolIDsIn(t *testing.T, spool string) []string {
	t.Helper()
	var ids []string
	filepath.Walk(filepath.Join(spool, "input"), func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, "-H") {
			ids = append(ids, strings.TrimSuffix(filepath.Base(p), "-H"))
		}
		return nil
	})
	return ids
}
