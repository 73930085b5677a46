package spool

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const eximBinary = "/usr/sbin/exim4"

// eximEnv runs Debian's Exim 4.96 on a spool of its own, inside a network
// namespace of its own so that it cannot reach the network.
type eximEnv struct {
	t    *testing.T
	dir  string
	conf string
	mail string // where the transport delivers
}

func newEximEnv(t *testing.T, split bool) *eximEnv {
	t.Helper()
	if _, err := os.Stat(eximBinary); err != nil {
		t.Skip("Exim 4.96 (/usr/sbin/exim4) is not installed")
	}
	if err := exec.Command("unshare", "-n", "true").Run(); err != nil {
		t.Skipf("cannot run Exim in a network namespace (unshare -n): %v", err)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "exim.conf")
	// Deliveries run as nobody (root is a fixed never_user): the mailbox
	// lives in a directory open to it.
	mail, err := os.MkdirTemp("", "spool-exim-mail")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(mail, 0o777)
	t.Cleanup(func() { os.RemoveAll(mail) })
	text := fmt.Sprintf(`spool_directory = %[1]s
log_file_path = %[1]s/log/%%slog
exim_user = root
exim_group = root
primary_hostname = test.example
qualify_domain = test.example
trusted_users = root
keep_environment =
split_spool_directory = %[2]v
begin routers
r:
  driver = accept
  transport = t
begin transports
t:
  driver = appendfile
  file = %[3]s/mbox
  user = nobody
`, dir, split, mail)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return &eximEnv{t: t, dir: dir, conf: conf, mail: mail}
}

func (e *eximEnv) run(stdin string, args ...string) string {
	e.t.Helper()
	argv := append([]string{"-n", "sh", "-c", `ip link set lo up; exec "$0" "$@"`, eximBinary, "-C", e.conf}, args...)
	cmd := exec.Command("unshare", argv...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		e.t.Fatalf("exim %v: %v\n%s%s", args, err, out.String(), errOut.String())
	}
	return out.String()
}

func (e *eximEnv) spool(split bool) *Spool {
	sp, err := Open(e.dir, split)
	if err != nil {
		e.t.Fatal(err)
	}
	return sp
}

var listingModes = []string{"-bp", "-bpa", "-bpu", "-bpc", "-bpr", "-bpra", "-bpru"}

// compareListings compares Exim's listings with PrintQueue's, retrying
// when a second boundary falls between the two (ages and the -bpr order
// depend on the time).
func (e *eximEnv) compareListings(sp *Spool) {
	e.t.Helper()
	for _, mode := range listingModes {
		for attempt := 0; ; attempt++ {
			before := time.Now()
			want := e.run("", mode)
			after := time.Now()
			var got bytes.Buffer
			if err := PrintQueue(&got, sp, mode, after); err != nil {
				e.t.Fatal(err)
			}
			if before.Unix() != after.Unix() && attempt < 5 {
				continue
			}
			if got.String() != want {
				e.t.Errorf("%s differs:\n%s\nExim:\n%s", mode, got.String(), want)
			}
			break
		}
	}
}

// exigoMessages writes messages of many shapes: sizes in bytes, K and M,
// ages in minutes, hours and days, frozen, delivered, untrusted sender,
// bounce, DSN and one_time recipients.
func exigoMessages(t *testing.T, sp *Spool) []*Header {
	now := time.Now()
	var hs []*Header
	ages := []time.Duration{30 * time.Second, 95 * time.Minute, 80 * time.Hour, 20 * time.Minute}
	sizes := []int{10, 3000, 200000, 3 << 20}
	for i := 0; i < 8; i++ {
		at := now.Add(-ages[i%4] - time.Duration(i)*time.Minute - 30*time.Second)
		id := NewID(at, 1000+i, -1)
		h := testHeader(id, at, sizes[i%4])
		h.Recipients = []Recipient{{Address: "a@x.y"}, {Address: "b@x.y"}, {Address: "c@x.y"}}
		switch i {
		case 1:
			h.Frozen, h.FrozenAt = true, at.Add(time.Minute)
		case 2:
			h.NonRecipients = NewAddrTree("b@x.y", "gen@x.y")
		case 3:
			h.Sender, h.SenderSetUntrusted, h.Originator = "", true, "someone"
		case 4:
			h.Recipients[1].DSNFlags = DSNNotifySuccess
			h.Recipients[1].ORCPT = "rfc822;b@x.y"
			h.Recipients = append(h.Recipients, Recipient{Address: "d@x.y", ErrorsTo: "e@x.y", OneTimeParent: 1})
		case 5:
			h.HeloName, h.HostAddress, h.HostPort = Tainted("client"), Tainted("192.0.2.1"), 1234
			h.ACLVars = []ACLVar{{"m_b", Tainted("x")}, {"m_a", Clean("y\nz")}, {"c0", Clean("")}}
		}
		in, err := sp.Begin(id)
		if err != nil {
			t.Fatal(err)
		}
		line := []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n")
		body := bytes.Repeat(line, sizes[i%4]/len(line)+1)[:sizes[i%4]-1]
		in.Body().Write(append(body, '\n'))
		h.BodyLinecount, _ = in.Counts()
		if err := in.Commit(h); err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	return hs
}

func TestEximListsExigoSpool(t *testing.T) {
	for _, split := range []bool{false, true} {
		e := newEximEnv(t, split)
		sp := e.spool(split)
		hs := exigoMessages(t, sp)
		os.WriteFile(sp.InputPath(hs[0].ID, "-J"), []byte("c@x.y\nextra@gen\n"), FileMode)
		bad := NewID(time.Now(), 99, -1)
		os.WriteFile(sp.InputPath(bad, "-H"), []byte(bad+"-H\nroot 0 0\n<x@y>\n"), FileMode)
		e.compareListings(sp)
	}
}

// Exim marks an address delivered in an exigo -H file; exigo making the
// same change must write the same file, so both read and write alike.
func TestEximRewritesExigoHeaderIdentically(t *testing.T) {
	e := newEximEnv(t, true)
	sp := e.spool(true)
	for _, h := range exigoMessages(t, sp) {
		e.run("", "-Mmd", h.ID, "a@x.y")
		h.NonRecipients, _ = h.NonRecipients.Insert("a@x.y")
		want, err := os.ReadFile(sp.InputPath(h.ID, "-H"))
		if err != nil {
			t.Fatal(err)
		}
		if got := h.Encode(); !bytes.Equal(got, want) {
			t.Errorf("%s:\n%s\nExim:\n%s", h.ID, got, want)
		}
	}
}

// Exim delivers a message exigo spooled: the -D format and counts are
// what Exim expects.
func TestEximDeliversExigoMessage(t *testing.T) {
	e := newEximEnv(t, false)
	sp := e.spool(false)
	id, at := NewIDGen(os.Getpid(), -1).Next()
	in, _ := sp.Begin(id)
	in.Body().Write([]byte("Hello\n.dot line\n"))
	h := testHeader(id, at, 16)
	h.BodyLinecount, _ = in.Counts()
	if err := in.Commit(h); err != nil {
		t.Fatal(err)
	}
	e.run("", "-M", id)
	mbox, err := os.ReadFile(filepath.Join(e.mail, "mbox"))
	if err != nil || !strings.Contains(string(mbox), "X-Body-Length: 16\n\nHello\n.dot line\n") {
		t.Errorf("mbox %q %v", mbox, err)
	}
	if ids, _ := sp.List(); len(ids) != 0 {
		t.Errorf("still queued: %v", ids)
	}
}

// Exim spools messages itself; exigo reads them, lists them alike and
// writes back the same bytes.
func TestExigoReadsEximSpool(t *testing.T) {
	for _, split := range []bool{false, true} {
		e := newEximEnv(t, split)
		msg := "Subject: from exim\nTo: a@x.y\n\nbody\nline\n"
		e.run(msg, "-odq", "-f", "sender@e.org", "a@x.y", "b@x.y")
		e.run(msg+strings.Repeat("x", 5000)+"\n", "-odq", "-f", "<>", "c@x.y")
		sp := e.spool(split)
		ids, err := sp.List()
		if err != nil || len(ids) != 2 {
			t.Fatalf("List = %v, %v", ids, err)
		}
		e.run("", "-Mf", ids[0])
		e.run("", "-Mmd", ids[0], "b@x.y")
		for _, id := range ids {
			h, err := sp.ReadHeader(id)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(sp.InputPath(id, "-H"))
			if got := h.Encode(); !bytes.Equal(got, want) {
				t.Errorf("re-encoded %s:\n%s\nExim:\n%s", id, got, want)
			}
			if h.Sender == "sender@e.org" && !(h.Frozen && h.Delivered("b@x.y")) {
				t.Errorf("frozen/delivered not read: %+v", h)
			}
		}
		e.compareListings(sp)
	}
}

// A message exigo has locked is left alone by Exim.
func TestEximRespectsExigoLock(t *testing.T) {
	e := newEximEnv(t, false)
	sp := e.spool(false)
	h := exigoMessages(t, sp)[0]
	f, err := sp.OpenData(h.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.run("", "-M", h.ID)
	f.Close()
	log, _ := os.ReadFile(filepath.Join(e.dir, "log", "mainlog"))
	if !strings.Contains(string(log), "Spool file for "+h.ID+" is locked") {
		t.Errorf("Exim did not see the lock:\n%s", log)
	}
}
