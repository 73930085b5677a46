package lookup

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// eximBe runs the real Exim's -be on exprs, inside a network namespace
// with only loopback, and returns one output line per expression. Tests
// that use it skip when Exim or unshare is not usable here.
func eximBe(t *testing.T, exprs ...string) []string {
	t.Helper()
	return eximBeIn(t, `ip link set lo up; exim -C "$0" -be "$@"`, nil, exprs)
}

// eximBeIn runs script (with $0 = the configuration file and the
// expressions as "$@") under "unshare" with the extra unshare flags.
func eximBeIn(t *testing.T, script string, flags, exprs []string) []string {
	t.Helper()
	if _, err := exec.LookPath("exim"); err != nil {
		t.Skip("exim not installed: no oracle")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "exim.conf")
	text := fmt.Sprintf("primary_hostname = myhost.test.ex\nspool_directory = %s/spool\nlog_file_path = %s/%%slog\nexim_user = root\nexim_group = root\nkeep_environment =\n", dir, dir)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append(append(append([]string{"-n"}, flags...), "sh", "-c", script, conf), exprs...)
	out, err := exec.Command("unshare", args...).Output()
	if err != nil && len(out) == 0 {
		t.Skipf("cannot run exim in a network namespace: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(exprs) {
		t.Fatalf("exim gave %d lines for %d expressions:\n%s", len(lines), len(exprs), out)
	}
	return lines
}

// beStyle renders one of our results as "exim -be" prints
// ${lookup{key}type{file}{[$value]}{NOTFOUND}}.
func beStyle(key string, res Result, err error) string {
	switch {
	case IsDefer(err):
		return fmt.Sprintf("Failed: lookup of \"%s\" gave DEFER: %s", key, err.Error())
	case err != nil:
		return "Failed: " + err.Error()
	case !res.Found:
		return "NOTFOUND"
	}
	return "[" + res.Value + "]"
}

// compareWithExim checks every (type, key) pair on file against Exim.
func compareWithExim(t *testing.T, file string, types, keys []string) {
	t.Helper()
	var exprs, ours []string
	for _, typ := range types {
		spec, err := ParseSpec(typ)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			exprs = append(exprs, fmt.Sprintf("${lookup{%s}%s{%s}{[$value]}{NOTFOUND}}", k, typ, file))
			res, err := spec.Find(file, k)
			ours = append(ours, beStyle(k, res, err))
		}
	}
	theirs := eximBe(t, exprs...)
	t.Logf("compared %d lookups with exim; first: %s -> %s", len(exprs), exprs[0], theirs[0])
	for i := range exprs {
		if ours[i] != theirs[i] {
			t.Errorf("%s\n  exim:  %q\n  exigo: %q", exprs[i], theirs[i], ours[i])
		}
	}
}
