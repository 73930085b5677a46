package eximlog

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const eximBinary = "/usr/sbin/exim4"

// runExim runs Debian's Exim with a configuration of our own, without
// network (a fresh network namespace), and returns what it printed.
func runExim(t *testing.T, conf string, args ...string) (out, dir string) {
	t.Helper()
	if _, err := os.Stat(eximBinary); err != nil {
		t.Skip("Exim is not installed (/usr/sbin/exim4, Debian exim4-daemon-heavy)")
	}
	dir = t.TempDir()
	name := dir + "/exim.conf"
	full := "exim_user = root\nexim_group = root\nspool_directory = " + dir + "/spool\n" +
		"primary_hostname = test.example\n" + strings.ReplaceAll(conf, "DIR", dir)
	if err := os.WriteFile(name, []byte(full), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("unshare", append([]string{"-n", eximBinary, "-C", name}, args...)...)
	b, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(b), "unshare:") {
		t.Skipf("cannot run Exim in a network namespace: %s", b)
	}
	return string(b), dir
}

// TestSettingsAgainstExim has Exim 4.96 judge the same log_selector,
// log_file_path and syslog settings as New, and compares the verdicts.
func TestSettingsAgainstExim(t *testing.T) {
	for _, line := range []string{
		"log_selector = +foo_bar",
		"log_selector = foo",
		"log_selector = +dkim, +pid",
		"log_selector = +all_parameters",
		"log_selector = +pid +subject +8bi",
		"log_selector = +all -dkim +8bitmime +rejected_headers",
		"log_selector = -all +unknown_in_list +protocol_detail",
		"log_selector = +smtp_connection+pid",
		"log_file_path = DIR/l/log",
		"log_file_path = syslog : DIR/l/log",
		"log_file_path = DIR/l/%Ss",
		"log_file_path = DIR/l/%slog%d",
		"log_file_path = DIR/l/%slog-%D-%M",
		"log_file_path = DIR/l/%slog-%M%%",
		"log_file_path = DIR/l/%slog-%D",
		"log_file_path = DIR/l/%D%slog : syslog",
		"syslog_facility = kern",
		"syslog_facility = LOG_Local7",
		"syslog_processname = abcdefghijklmnopqrstuvwxyz0123456789",
	} {
		opt, value, _ := strings.Cut(line, " = ")
		conf := line + "\n"
		if opt != "log_file_path" {
			conf = "log_file_path = DIR/%slog\n" + conf
		}
		out, dir := runExim(t, conf, "-bP", opt)
		c := Config{SpoolDir: "/spool"}
		v := strings.ReplaceAll(value, "DIR", dir)
		switch opt {
		case "log_selector":
			c.Selector = v
		case "log_file_path":
			c.FilePath = v
		case "syslog_facility":
			c.SyslogFacility = v
		case "syslog_processname":
			c.SyslogProcessName = v
		}
		_, err := New(c)
		accepted := strings.HasPrefix(out, opt+" = ")
		switch {
		case err == nil && !accepted:
			t.Errorf("%s: Exim refuses it:\n%s", line, out)
		case err != nil && accepted:
			t.Errorf("%s: Exim takes it, we say %v", line, err)
		case err != nil && !strings.Contains(out, err.Error()):
			t.Errorf("%s: we say\n%s\nExim says\n%s", line, err, out)
		}
	}
}
