package queuefile

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

const testID = "1xXtVL-0004ee-0v"

// spoolMessage writes a message into a fresh spool with exigo's writer.
func spoolMessage(t *testing.T) *spool.Spool {
	t.Helper()
	sp, err := spool.Open(t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	in, err := sp.Begin(testID)
	if err != nil {
		t.Fatal(err)
	}
	in.Body().Write([]byte("Hello\n"))
	h := &spool.Header{ID: testID, Originator: "root", Sender: "s@client.test", Received: time.Unix(1700000000, 0),
		ReceivedProtocol: spool.Var{Value: "local"}, Recipients: []spool.Recipient{{Address: "r@x.test"}},
		Headers: []spool.HeaderLine{{Type: ' ', Text: "Subject: hi\n"}}}
	if err := in.Commit(h); err != nil {
		t.Fatal(err)
	}
	return sp
}

func build(t *testing.T, dir string) transport.Transport {
	t.Helper()
	cfg, err := conf.Parse("q.conf", "begin transports\nq:\n  driver = queuefile\n  directory = "+dir+"\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	trs, err := transport.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return trs["q"]
}

func deliver(t *testing.T, tr transport.Transport, sp *spool.Spool, vars map[string]string) *item.Address {
	a := item.New("r@x.test")
	env := &transport.Env{Ctx: &expand.Context{Vars: mapVars(vars)}, Spool: sp}
	tr.Deliver(env, &transport.Message{ID: testID, Header: &spool.Header{ID: testID}}, []*item.Address{a})
	return a
}

type mapVars map[string]string

func (m mapVars) Var(n string) (string, bool, bool) { v, ok := m[n]; return v, false, ok }

func TestLinksOnTheSameFileSystem(t *testing.T) {
	sp := spoolMessage(t)
	dst := filepath.Join(sp.Dir, "scan")
	os.Mkdir(dst, 0o750)
	a := deliver(t, build(t, "${if eq{$domain}{x.test}{"+dst+"}}"), sp, map[string]string{"domain": "x.test"})
	if a.Result != item.OK {
		t.Fatalf("%v %q", a.Result, a.Message)
	}
	for _, s := range []string{"-H", "-D"} {
		if !sameFile(t, sp.InputPath(testID, s), filepath.Join(dst, testID+s)) {
			t.Errorf("%s is not a link to the spool file", s)
		}
	}
	// Again: the files are there already, which Exim refuses.
	a = deliver(t, build(t, dst), sp, nil)
	if a.Result != item.Defer || a.BasicErrno != int(syscall.EEXIST) ||
		a.Message != "q transport linking file: "+filepath.Join(dst, testID+"-H")+" failed with error: File exists" {
		t.Errorf("%v %d %q", a.Result, a.BasicErrno, a.Message)
	}
}

func sameFile(t *testing.T, a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

func TestCopies(t *testing.T) {
	sp := spoolMessage(t)
	dst := t.TempDir()
	c := &copier{t: &Transport{name: "q"}, a: item.New("r@x.test"), id: testID,
		src: filepath.Dir(sp.InputPath(testID, "-H")), dst: dst}
	if !c.file("-H") || !c.file("-D") {
		t.Fatalf("%q", c.a.Message)
	}
	for _, s := range []string{"-H", "-D"} {
		want, _ := os.ReadFile(sp.InputPath(testID, s))
		got, _ := os.ReadFile(filepath.Join(dst, testID+s))
		if !bytes.Equal(got, want) || sameFile(t, sp.InputPath(testID, s), filepath.Join(dst, testID+s)) {
			t.Errorf("%s: copy differs or is a link", s)
		}
		if st, _ := os.Stat(filepath.Join(dst, testID+s)); st.Mode().Perm() != spool.FileMode {
			t.Errorf("%s mode %v", s, st.Mode())
		}
	}
	if ents, _ := os.ReadDir(dst); len(ents) != 2 {
		t.Errorf("temporary files left: %v", ents)
	}
	if c.file("-H") || c.a.Message != "q transport opening file: "+filepath.Join(dst, testID+"-H")+" failed with error: File exists" {
		t.Errorf("second copy: %q", c.a.Message)
	}
}

func TestErrors(t *testing.T) {
	sp := spoolMessage(t)
	a := deliver(t, build(t, "relative/dir"), sp, nil)
	if a.Result != item.Defer || !a.Panic || a.Message != "q transport directory: relative/dir is not absolute" {
		t.Errorf("%v %v %q", a.Result, a.Panic, a.Message)
	}
	a = deliver(t, build(t, "/nonexistent/dir"), sp, nil)
	if !a.Panic || a.BasicErrno != int(syscall.ENOENT) ||
		a.Message != "q transport accessing directory: /nonexistent/dir failed with error: No such file or directory" {
		t.Errorf("%v %d %q", a.Panic, a.BasicErrno, a.Message)
	}
	if _, err := New(mustDriver(t)); err == nil || err.Error() != "directory must be set for the q transport" {
		t.Errorf("%v", err)
	}
}

func mustDriver(t *testing.T) *conf.Driver {
	cfg, err := conf.Parse("q.conf", "begin transports\nq:\n  driver = queuefile\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Transports[0]
}

// Debian's Exim lists a spool made of the copies (exim4 -bp).
func TestEximListsTheCopies(t *testing.T) {
	if _, err := os.Stat("/usr/sbin/exim4"); err != nil {
		t.Skip("Debian's Exim is not installed (/usr/sbin/exim4)")
	}
	if os.Geteuid() != 0 || exec.Command("unshare", "-n", "true").Run() != nil {
		t.Skip("running Exim needs root and unshare -n")
	}
	sp := spoolMessage(t)
	other := t.TempDir()
	os.MkdirAll(filepath.Join(other, "input"), 0o750)
	a := deliver(t, build(t, filepath.Join(other, "input")), sp, nil)
	if a.Result != item.OK {
		t.Fatalf("%v %q", a.Result, a.Message)
	}
	confFile := filepath.Join(other, "exim.conf")
	os.WriteFile(confFile, []byte("spool_directory = "+other+"\nlog_file_path = "+other+"/%slog\n"+
		"exim_user = root\nexim_group = root\n"), 0o644)
	out, err := exec.Command("unshare", "-n", "sh", "-c", `ip link set lo up; exec /usr/sbin/exim4 -C "$0" -bp`, confFile).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), testID+" <s@client.test>") || !strings.Contains(string(out), "r@x.test") {
		t.Errorf("exim -bp:\n%s", out)
	}
}
