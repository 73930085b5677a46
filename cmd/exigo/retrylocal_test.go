package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"exigo/internal/transport/eximtest"
)

// retryLocalConf: "route" defers in routing, "full" in a local delivery
// (a 10-byte quota); RULES is the retry section.
const retryLocalConf = `primary_hostname = mx.test
qualify_domain = test
begin routers
later:
  driver = redirect
  local_parts = route
  allow_defer
  data = :defer: not now
box:
  driver = accept
  transport = box
begin transports
box:
  driver = appendfile
  file = DIR/boxes/mbox
  quota = 10
  user = nobody
RULES
`

var comparableLogNoise = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (\S+ )?|pid=\d+|R=1x[\w-]{14}| S=\d+| U=\S+`)

// exigoConf writes text (DIR standing for dir) as exigo's configuration
// in dir, with the spool, logs and users eximtest gives Exim.
func exigoConf(t *testing.T, dir, text string) string {
	t.Helper()
	conf := filepath.Join(dir, "conf")
	head := "spool_directory = " + dir + "/spool\nlog_file_path = " + dir + "/%slog\nexim_user = root\nexim_group = root\n"
	if err := os.WriteFile(conf, []byte(head+strings.ReplaceAll(text, "DIR", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	return conf
}

// runExigoConf runs bin -C conf with args and stdin, off the system
// resolver.
func runExigoConf(bin, conf, stdin string, args ...string) ([]byte, error) {
	cmd := exec.Command(bin, append([]string{"-C", conf}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "EXIGO_NO_SYSTEM_RESOLVER=1")
	return cmd.CombinedOutput()
}

// comparableLog are a log's lines without time stamps, ids,
// pids, sizes, users and the test's directory dir. "Completed" lines
// are counted apart: Exim's child process delivering a bounce in the
// background may log before or after its parent's "Completed".
func comparableLog(t *testing.T, path, dir string) []string {
	var out []string
	completed := 0
	for _, l := range orderedLog(t, path, dir) {
		if l == "Completed" {
			completed++
			continue
		}
		out = append(out, l)
	}
	return append(out, fmt.Sprintf("%d Completed", completed))
}

// orderedLog is comparableLog with every line in its place.
func orderedLog(t *testing.T, path, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.Contains(l, "purging the environment") || strings.HasPrefix(l, " Suggested") {
			continue
		}
		out = append(out, strings.ReplaceAll(comparableLogNoise.ReplaceAllString(l, ""), dir, "DIR"))
	}
	return out
}

// Routing and local deferrals keep retry records as Exim's do: a queue
// run before the retry time defers them without trying ("routing defer
// (-52): retry time not reached", "defer (-53): Retry time not yet
// reached"), and without any retry rule they time out at once with
// Exim's single "retry timeout exceeded" line.
func TestLocalAndRoutingRetryLikeExim(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (deliveries as nobody, Exim under -C)")
	}
	bin := buildExigo(t)
	for _, rules := range []string{"begin retry\n* * F,1h,10m", ""} {
		text := strings.ReplaceAll(retryLocalConf, "RULES", rules)
		e := eximtest.New(t, text)
		os.MkdirAll(filepath.Join(e.Dir, "boxes"), 0o777)
		os.Chmod(filepath.Join(e.Dir, "boxes"), 0o777)
		e.Run("Subject: t\n\nbody\n", "-odi", "-f", "sender@test", "route@test", "full@test")
		e.Run("", "-q")
		want := comparableLog(t, filepath.Join(e.Dir, "mainlog"), e.Dir)

		dir, err := os.MkdirTemp("", "exigo-retry-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		os.Chmod(dir, 0o777)
		os.MkdirAll(filepath.Join(dir, "boxes"), 0o777)
		os.Chmod(filepath.Join(dir, "boxes"), 0o777)
		conf := exigoConf(t, dir, text)
		if out, err := runExigoConf(bin, conf, "Subject: t\n\nbody\n", "-odi", "-f", "sender@test", "route@test", "full@test"); err != nil {
			t.Fatalf("exigo: %v\n%s", err, out)
		}
		if out, err := runExigoConf(bin, conf, "", "-q"); err != nil {
			t.Fatalf("exigo -q: %v\n%s", err, out)
		}
		if got := comparableLog(t, filepath.Join(dir, "mainlog"), dir); !slices.Equal(got, want) {
			t.Errorf("retry rules %q: main log\n got %q\nwant %q (Exim's)", rules, got, want)
		}
	}
}
