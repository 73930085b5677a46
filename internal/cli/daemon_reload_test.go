package cli

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// SIGHUP makes Exim's daemon re-execute itself, so the queue runs of
// the old configuration stop: a reload must not leave their timer going
// beside the new one's.
func TestReloadStopsOldQueueRuns(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "exigo.conf")
	conf := "spool_directory = " + dir + "/spool\n" +
		"log_file_path = " + dir + "/%slog\n" +
		"local_interfaces = 127.0.0.1\ndaemon_smtp_ports = 0\n"
	if err := os.WriteFile(cfgFile, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &run{opts: &Options{ConfigFile: cfgFile, QueueInterval: "1h", PidFile: filepath.Join(dir, "pid")},
		stdout: io.Discard, stderr: io.Discard}
	cfg, err := r.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	d := &daemonState{r: r}
	if err := d.start(cfg); err != nil {
		t.Fatal(err)
	}
	defer d.stop()
	old := d.stopRuns
	if old == nil {
		t.Fatal("no queue runs started")
	}
	d.reload()
	select {
	case <-old:
	default:
		t.Fatal("the old configuration's queue runs go on after the reload")
	}
	if d.stopRuns == nil || d.stopRuns == old {
		t.Fatal("the new configuration has no queue runs of its own")
	}
}
