package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildExigo compiles the real binary once per test run.
// buildExigo builds the binary into a directory that delivery workers
// (run as nobody when the tests run as root) can reach.
func buildExigo(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "exigo")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	openToWorkers(filepath.Dir(bin))
	return bin
}

// openToWorkers makes dir and its parents up to the temporary directory
// reachable by delivery workers (nobody).
func openToWorkers(dir string) {
	for p := dir; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
		os.Chmod(p, 0o755)
	}
}

func runExigo(t *testing.T, bin, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "EXIGO_DATA_DIR="+t.TempDir(), "EXIGO_NO_SYSTEM_RESOLVER=1")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestBinary(t *testing.T) {
	bin := buildExigo(t)
	dir := t.TempDir()
	hosts := filepath.Join(dir, "hosts")
	os.WriteFile(hosts, []byte("127.0.0.1 localhost\nb: found\n"), 0o644)

	t.Run("be arguments on the default configuration", func(t *testing.T) {
		out, errs, code := runExigo(t, bin, "", "-be", "${lookup{b}lsearch{"+hosts+"}{yes}{no}}", "${lookup{zz}lsearch{"+hosts+"}{yes}{no}}", "${bad")
		want := "yes\nno\nFailed: \"${bad\" is not a known operator (or a } is missing in a variable reference)\n"
		if code != 0 || out != want {
			t.Fatalf("code %d, stdout %q, stderr %q; want %q", code, out, errs, want)
		}
	})

	t.Run("be from standard input", func(t *testing.T) {
		out, _, _ := runExigo(t, bin, "a\n${uc:b}  \nline\\\n   cont\n", "-be")
		want := "> a\n> B\n> linecont\n> \n"
		if out != want {
			t.Fatalf("stdout %q; want %q", out, want)
		}
	})

	t.Run("bV names file, line and option of a bad configuration", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.conf")
		os.WriteFile(bad, []byte("# comment\nprimary_hostname = x\nfoo_bar = 1\n"), 0o644)
		out, errs, code := runExigo(t, bin, "", "-bV", "-C", bad)
		if code != 1 {
			t.Fatalf("exit code %d, want 1", code)
		}
		if !strings.Contains(errs, "configuration error in line 3 of "+bad) || !strings.Contains(errs, `main option "foo_bar" unknown`) {
			t.Fatalf("stderr %q does not name file, line and option", errs)
		}
		if !strings.Contains(out, "Support for:") {
			t.Fatalf("stdout %q lacks the Support for: line", out)
		}
	})

	t.Run("bV on the default configuration lists the spec features", func(t *testing.T) {
		out, errs, code := runExigo(t, bin, "", "-bV")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		for _, w := range []string{"SPF", "SRS", "DMARC", "DANE", "Experimental_ARC", "Experimental_BMI", "Experimental_DCC", "Experimental_LMDB", "Experimental_QUEUEFILE", "TLS_resume", "lmdb", "dnsdb"} {
			if !strings.Contains(out, w) {
				t.Errorf("-bV output lacks %q", w)
			}
		}
	})

	t.Run("bP prints options", func(t *testing.T) {
		out, errs, code := runExigo(t, bin, "", "-bP", "daemon_smtp_ports", "nosuch_option")
		if code != 1 || !strings.HasPrefix(out, "daemon_smtp_ports = 2525\n") {
			t.Fatalf("code %d out %q err %q", code, out, errs)
		}
	})

	t.Run("unknown option", func(t *testing.T) {
		_, errs, code := runExigo(t, bin, "", "-bX")
		if code != 1 || !strings.Contains(errs, "unknown, malformed, or incomplete option -bX") {
			t.Fatalf("code %d stderr %q", code, errs)
		}
	})
}
