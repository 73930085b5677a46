// Package eximtest runs Debian's Exim 4.96 for the transports' tests:
// in a network namespace of its own (loopback only), on a spool and log
// of its own, so that a test can have Exim and exigo deliver the same
// spooled message and compare what they did.
package eximtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"exigo/internal/spool"
	"exigo/internal/transport"
)

// Binary is Debian's Exim.
const Binary = "/usr/sbin/exim4"

// Exim is one Exim set-up: Dir holds exim.conf, spool/ and the logs.
type Exim struct {
	t   *testing.T
	Dir string
}

// New makes a directory open to every user (Exim delivers as nobody)
// and writes a configuration there: the spool, log, user and trust
// settings, then text. It skips the test when Exim cannot be run.
func New(t *testing.T, text string) *Exim {
	t.Helper()
	if _, err := os.Stat(Binary); err != nil {
		t.Skip("Exim 4.96 (/usr/sbin/exim4) is not installed")
	}
	if err := exec.Command("unshare", "-n", "true").Run(); err != nil {
		t.Skipf("cannot run Exim in a network namespace (unshare -n): %v", err)
	}
	dir, err := os.MkdirTemp("", "exim-transport")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	t.Cleanup(func() { os.RemoveAll(dir) })
	head := fmt.Sprintf("spool_directory = %[1]s/spool\nlog_file_path = %[1]s/%%slog\nexim_user = root\n"+
		"exim_group = root\ntrusted_users = root\nkeep_environment =\n", dir)
	if err := os.WriteFile(filepath.Join(dir, "exim.conf"), []byte(head+strings.ReplaceAll(text, "DIR", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	return &Exim{t: t, Dir: dir}
}

// Run runs Exim with the configuration and arguments.
func (e *Exim) Run(stdin string, args ...string) string {
	e.t.Helper()
	argv := append([]string{"-n", "sh", "-c", `ip link set lo up; exec "$0" "$@"`, Binary, "-C", filepath.Join(e.Dir, "exim.conf")}, args...)
	cmd := exec.Command("unshare", argv...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		e.t.Fatalf("exim %v: %v\n%s", args, err, out.String())
	}
	return out.String()
}

// Queue has Exim receive a message (-odq: not delivered) and returns a
// copy of it as spooled.
func (e *Exim) Queue(message, sender string, recipients ...string) *transport.Message {
	e.t.Helper()
	args := append([]string{"-odq", "-f", sender}, recipients...)
	e.Run(message, args...)
	return e.Spooled()
}

// Spooled returns a copy of the one message in Exim's spool.
func (e *Exim) Spooled() *transport.Message {
	e.t.Helper()
	input := filepath.Join(e.Dir, "spool", "input")
	names, _ := filepath.Glob(filepath.Join(input, "*-H"))
	if len(names) != 1 {
		e.t.Fatalf("spool holds %v", names)
	}
	id := strings.TrimSuffix(filepath.Base(names[0]), "-H")
	h, err := spool.ReadHeaderFile(names[0])
	if err != nil {
		e.t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(input, id+"-D"))
	if err != nil {
		e.t.Fatal(err)
	}
	body := data[len(id)+3:]
	h.BodySize = int64(len(body))
	return &transport.Message{ID: id, Header: h, Body: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(body)), nil
	}}
}

// Outcome is what Exim's log says happened to an address.
type Outcome struct {
	Result string // "=>" or "->" delivered, "==" deferred, "**" failed
	Errno  string // the number in "defer (n)"
	Text   string // the message
}

var logLine = regexp.MustCompile(`^\S+ \S+ \S+ (=>|->|==|\*\*) (\S+)(?: <(\S+)>)? R=\S+ T=\S+(?: defer \((-?\d+)\))?:? ?(.*)$`)

// Outcomes reads the main log: the first outcome of each address.
func (e *Exim) Outcomes() map[string]Outcome {
	e.t.Helper()
	f, err := os.Open(filepath.Join(e.Dir, "mainlog"))
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	out := map[string]Outcome{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := logLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		addr := m[2]
		if m[3] != "" {
			addr = m[3]
		}
		if _, seen := out[addr]; !seen {
			out[addr] = Outcome{Result: m[1], Errno: m[4], Text: m[5]}
		}
	}
	return out
}
