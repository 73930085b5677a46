package appendfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/transport"
)

const testMessageHeaders = "Subject: x\nFrom: a@example.org\n"

// run delivers a small message to local part lp with one transport t
// whose options are given; MAIL in them is a fresh directory.
func run(t *testing.T, options string, lp string) (*item.Address, string) {
	t.Helper()
	mail := t.TempDir()
	text := "primary_hostname = test.example\nbegin transports\nt:\n  driver = appendfile\n" +
		strings.ReplaceAll(options, "MAIL", mail)
	cfg, tp := setup(t, text, "t")
	a := item.New(lp + "@test.example")
	deliver(cfg, tp, newMessage(testMessageHeaders, "body\nFrom here\n"), a)
	return a, mail
}

func expect(t *testing.T, a *item.Address, r item.Result, errno int, msg string) {
	t.Helper()
	if a.Result != r || a.BasicErrno != errno || a.Message != msg {
		t.Errorf("got %v (%d) %q\nwant %v (%d) %q", a.Result, a.BasicErrno, a.Message, r, errno, msg)
	}
}

func TestMboxDelivery(t *testing.T) {
	a, mail := run(t, "  file = MAIL/sub/dir/$local_part_data\n  directory_mode = 0751\n", "jo")
	expect(t, a, item.OK, 0, "")
	b, err := os.ReadFile(mail + "/sub/dir/jo")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "From sender@example.org ") ||
		!strings.HasSuffix(string(b), "\nSubject: x\nFrom: a@example.org\n\nbody\n>From here\n\n") {
		t.Errorf("mbox %q", b)
	}
	for name, mode := range map[string]os.FileMode{"/sub": 0o751 | os.ModeDir, "/sub/dir": 0o751 | os.ModeDir, "/sub/dir/jo": 0o600} {
		if st, err := os.Stat(mail + name); err != nil || st.Mode() != mode {
			t.Errorf("%s: %v %v", name, st.Mode(), err)
		}
	}
}

// TestMessagesLikeExim checks the failures Debian's Exim 4.96 was seen
// to give for the same settings (texts and error numbers from its log).
func TestMessagesLikeExim(t *testing.T) {
	uid := os.Geteuid()
	home := ""
	for _, tc := range []struct {
		name, options string
		prepare       func(mail string)
		r             item.Result
		errno         int
		msg           string
	}{
		{"quota", "  file = MAIL/quota\n  quota = 10\n", nil, item.Defer, item.ErrnoEximQuota,
			"mailbox is full (MTA-imposed quota exceeded while writing to MAIL/quota)"},
		{"wrong mode", "  file = MAIL/wide\n  mode = 0640\n", func(m string) { create(m+"/wide", 0o600) }, item.Defer, item.ErrnoBadMode,
			"mailbox MAIL/wide has the wrong mode 600 (640 expected)"},
		{"must exist", "  file = MAIL/none\n  file_must_exist\n", nil, item.Defer, int(syscall.ENOENT),
			"mailbox MAIL/none does not exist, but file_must_exist is set"},
		{"lock file", "  file = MAIL/locked\n  lock_retries = 2\n  lock_interval = 0s\n", func(m string) { create(m+"/locked.lock", 0o600) },
			item.Defer, item.ErrnoLock, "failed to lock mailbox MAIL/locked (lock file)"},
		{"relative", "  file = relative/path\n", nil, item.Defer, item.ErrnoNotAbsolute,
			`appendfile: file or directory name "relative/path" is not absolute`},
		{"expansion", "  file = ${bad\n", nil, item.Defer, item.ErrnoUnknown,
			`Expansion of "${bad" (file or directory name for t transport) failed: "${bad" is not a known operator (or a } is missing in a variable reference)`},
		{"tainted", "  file = MAIL/$local_part\n", nil, item.Defer, item.ErrnoUnknown,
			"Tainted 'MAIL/jo' (file or directory name for t transport) not permitted"},
		{"symlink", "  file = MAIL/link\n", func(m string) { create(m+"/box", 0o600); os.Symlink(m+"/box", m+"/link") },
			item.Defer, item.ErrnoNotRegular, "mailbox MAIL/link is not a regular file"},
		{"owner", "  file = MAIL/box\n", func(m string) { create(m+"/box", 0o600); os.Chown(m+"/box", uid+1, -1) },
			item.Defer, item.ErrnoBadUGID, fmt.Sprintf("mailbox MAIL/box has wrong uid (%d != %d)", uid+1, uid)},
		{"maildir quota", "  directory = MAIL/md\n  maildir_format\n  quota = 10\n", nil, item.Defer, item.ErrnoEximQuota,
			"mailbox is full (MTA-imposed quota exceeded while writing to tmp/NAME)"},
		{"not a directory", "  directory = MAIL/md\n  maildir_format\n", func(m string) { create(m+"/md", 0o600) },
			item.Defer, item.ErrnoNotDirectory, "MAIL/md is not a directory"},
		{"creation outside home", "  file = MAIL/elsewhere/box\n  create_file = inhome\n", func(m string) { home = m + "/home"; os.Mkdir(m+"/elsewhere", 0o700) }, item.Defer, item.ErrnoBadCreate,
			"mailbox MAIL/elsewhere/box does not exist, but creation outside the home directory is not permitted"},
		{"malformed quota", "  file = MAIL/box\n  quota = 10x\n", nil, item.Fail, item.ErrnoUnknown,
			`Malformed value "10x" (expansion of "10x") in t transport`},
		{"header expansion", "  file = MAIL/box\n  headers_add = ${bad\n", nil, item.Defer, item.ErrnoChHeaderFail,
			`failed to expand headers_add or headers_remove while writing to MAIL/box: "${bad" is not a known operator (or a } is missing in a variable reference)`},
		{"prefix expansion", "  file = MAIL/box\n  message_prefix = ${bad\n", nil, item.Defer, item.ErrnoExpandFail,
			`Expansion of "${bad" (prefix for t transport) failed`},
		{"size limit", "  file = MAIL/box\n  message_size_limit = 10\n", nil, item.Fail, item.ErrnoUnknown,
			"message is too big (transport limit = 10)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mail := t.TempDir()
			if tc.prepare != nil {
				tc.prepare(mail)
			}
			text := "primary_hostname = test.example\nbegin transports\nt:\n  driver = appendfile\n" +
				strings.ReplaceAll(tc.options, "MAIL", mail)
			cfg, tp := setup(t, text, "t")
			a := item.New("jo@test.example")
			a.Home, home = home, ""
			deliver(cfg, tp, newMessage(testMessageHeaders, "body\n"), a)
			msg := strings.ReplaceAll(tc.msg, "MAIL", mail)
			if strings.Contains(msg, "tmp/NAME") {
				if i := strings.Index(a.Message, "tmp/"); i > 0 {
					msg = strings.Replace(msg, "tmp/NAME", a.Message[i:len(a.Message)-1], 1)
				}
			}
			expect(t, a, tc.r, tc.errno, msg)
		})
	}
}

func create(name string, mode os.FileMode) {
	os.WriteFile(name, nil, mode)
	os.Chmod(name, mode)
}

func TestModeNarrowedAndSymlinkAllowed(t *testing.T) {
	mail := t.TempDir()
	create(mail+"/box", 0o666)
	os.Symlink(mail+"/box", mail+"/link")
	cfg, tp := setup(t, "begin transports\nt:\n  driver = appendfile\n  file = "+mail+"/link\n  allow_symlink\n", "t")
	a := item.New("jo@test.example")
	deliver(cfg, tp, newMessage(testMessageHeaders, "body\n"), a)
	expect(t, a, item.OK, 0, "")
	if st, _ := os.Stat(mail + "/box"); st.Mode() != 0o600 || st.Size() == 0 {
		t.Errorf("box %v %d", st.Mode(), st.Size())
	}
}

// TestConcurrentMbox delivers from many goroutines at once, with fcntl
// (open file description) locks and with flock locks waiting for each
// other: the messages stay whole.
func TestConcurrentMbox(t *testing.T) {
	for _, locking := range []string{"  lock_fcntl_timeout = 30s\n", "  use_flock_lock\n  lock_flock_timeout = 30s\n"} {
		mail := t.TempDir()
		cfg, tp := setup(t, "primary_hostname = test.example\nbegin transports\nt:\n  driver = appendfile\n  file = "+mail+
			"/box\n  no_use_lockfile\n"+locking, "t")
		const n = 20
		done := make(chan *item.Address)
		for i := 0; i < n; i++ {
			go func() {
				a := item.New("jo@test.example")
				deliver(cfg, tp, newMessage(testMessageHeaders, strings.Repeat("line of text\n", 5000)), a)
				done <- a
			}()
		}
		for i := 0; i < n; i++ {
			if a := <-done; a.Result != item.OK {
				t.Fatalf("%v %s", a.Result, a.Message)
			}
		}
		b, _ := os.ReadFile(mail + "/box")
		if got := strings.Count(string(b), "\nFrom sender@example.org "); got != n-1 || !strings.HasPrefix(string(b), "From ") {
			t.Errorf("%d separators", got)
		}
		if strings.Count(string(b), "\n\nbody\n") != 0 || strings.Count(string(b), "line of text\n") != n*5000 {
			t.Errorf("lines lost or mixed")
		}
	}
}

func TestFcntlLockHeld(t *testing.T) {
	mail := t.TempDir()
	create(mail+"/box", 0o600)
	// A classic lock held by another process, as a mail reader's.
	cmd := holdLock(t, mail+"/box")
	defer cmd()
	cfg, tp := setup(t, "begin transports\nt:\n  driver = appendfile\n  file = "+mail+"/box\n  lock_retries = 2\n  lock_interval = 0s\n  no_use_lockfile\n", "t")
	a := item.New("jo@test.example")
	deliver(cfg, tp, newMessage(testMessageHeaders, "body\n"), a)
	expect(t, a, item.Defer, item.ErrnoLock, "failed to lock mailbox "+mail+"/box (fcntl/flock)")
}

func TestMaildirAndDirectoryFile(t *testing.T) {
	mail := t.TempDir()
	cfg, tp := setup(t, "primary_hostname = test.example\nbegin transports\nmd:\n  driver = appendfile\n  directory = "+mail+
		"/Maildir/.Sub\n  maildir_format\n  maildirfolder_create_regex = /\\.[^/]*$\n  maildir_tag = ,S=$message_size\n"+
		"df:\n  driver = appendfile\n  directory = "+mail+"/dir\n  directory_file = m-$inode\n", "md")
	a := item.New("jo@test.example")
	deliver(cfg, tp, newMessage(testMessageHeaders, "body\n"), a)
	expect(t, a, item.OK, 0, "")
	names, _ := filepath.Glob(mail + "/Maildir/.Sub/new/*")
	if len(names) != 1 || !strings.HasSuffix(names[0], ".test.example,S=37") {
		t.Errorf("new/ has %v", names)
	}
	if _, err := os.Stat(mail + "/Maildir/.Sub/maildirfolder"); err != nil {
		t.Error(err)
	}
	tmp, _ := filepath.Glob(mail + "/Maildir/.Sub/tmp/*")
	if len(tmp) != 0 {
		t.Errorf("tmp/ has %v", tmp)
	}
	tp2, _ := New(cfg.Transport("df"))
	b := item.New("jo@test.example")
	deliver(cfg, tp2, newMessage(testMessageHeaders, "body\n"), b)
	expect(t, b, item.OK, 0, "")
	names, _ = filepath.Glob(mail + "/dir/*")
	var st syscall.Stat_t
	if len(names) != 1 || syscall.Stat(names[0], &st) != nil || filepath.Base(names[0]) != fmt.Sprintf("m-%d", st.Ino) {
		t.Errorf("dir has %v", names)
	}
}

// Asked to, a Maildir or directory delivery leaves the fsync of the
// directory it made its entry in to the caller; otherwise it syncs and
// names none.
func TestDirectorySyncLeftToCaller(t *testing.T) {
	mail := t.TempDir()
	cfg, tp := setup(t, "begin transports\nmd:\n  driver = appendfile\n  directory = "+mail+"/Maildir\n  maildir_format\n"+
		"df:\n  driver = appendfile\n  directory = "+mail+"/dir\n", "md")
	tp2, _ := New(cfg.Transport("df"))
	for _, c := range []struct {
		tp   transport.Transport
		want string
	}{{tp, mail + "/Maildir/new"}, {tp2, mail + "/dir"}} {
		for _, deferSync := range []bool{false, true} {
			msg := newMessage(testMessageHeaders, "body\n")
			a := item.New("jo@test.example")
			env := &transport.Env{Config: cfg, Ctx: &expand.Context{Vars: testVars{cfg, msg.Header, a}}, Now: time.Now, DeferDirSync: deferSync}
			c.tp.Deliver(env, msg, []*item.Address{a})
			expect(t, a, item.OK, 0, "")
			if want := map[bool]string{false: "", true: c.want}[deferSync]; a.SyncDir != want {
				t.Errorf("DeferDirSync %v: SyncDir %q, want %q", deferSync, a.SyncDir, want)
			}
		}
	}
}

func TestQuotaWarning(t *testing.T) {
	mail := t.TempDir()
	os.WriteFile(mail+"/box", make([]byte, 1000), 0o600)
	cfg, tp := setup(t, "begin transports\nt:\n  driver = appendfile\n  file = "+mail+"/box\n  quota = 10K\n  quota_warn_threshold = 10%\n", "t")
	a := item.New("jo@test.example")
	deliver(cfg, tp, newMessage(testMessageHeaders, "body\n"), a)
	expect(t, a, item.OK, 0, "")
	if !a.QuotaWarn {
		t.Error("no warning for crossing the threshold")
	}
	b := item.New("jo@test.example")
	deliver(cfg, tp, newMessage(testMessageHeaders, "body\n"), b)
	if b.QuotaWarn {
		t.Error("warning again above the threshold")
	}
	if WarnMessage(cfg.Transport("t")) != DefaultWarnMessage {
		t.Error("no default warning message")
	}
}

func TestConfigurationErrors(t *testing.T) {
	for opts, want := range map[string]string{
		"  file = /a\n  directory = /b\n":                       `only one of "file" or "directory" can be specified`,
		"  file = /a\n  no_use_lockfile\n  no_use_fcntl_lock\n": "no locking configured",
		"  directory = /a\n  quota_filecount = 3\n":             "quota must be set if quota_filecount is set",
		"  file = /a\n  create_file = nowhere\n":                `invalid value given for "create_file" for the t transport: 'nowhere'`,
		"  file = /a\n  body_only\n  headers_only\n":            "body_only and headers_only are mutually exclusive",
	} {
		cfg, err := conf.Parse("t.conf", "begin transports\nt:\n  driver = appendfile\n"+opts, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(cfg.Transport("t")); err == nil || err.Error() != want {
			t.Errorf("%q: got %v, want %s", opts, err, want)
		}
	}
}

func TestDevNullAndDontDeliver(t *testing.T) {
	cfg, tp := setup(t, "begin transports\nt:\n  driver = appendfile\n  file = /dev/null\n", "t")
	a := item.New("jo@test.example")
	deliver(cfg, tp, newMessage(testMessageHeaders, "body\n"), a)
	expect(t, a, item.OK, 0, "")
	mail := t.TempDir()
	cfg, tp = setup(t, "begin transports\nt:\n  driver = appendfile\n  file = "+mail+"/box\n", "t")
	msg := newMessage(testMessageHeaders, "body\n")
	msg.Header.DontDeliver = true
	b := item.New("jo@test.example")
	deliver(cfg, tp, msg, b)
	if _, err := os.Stat(mail + "/box"); b.Result != item.OK || err == nil {
		t.Errorf("-N delivered: %v %v", b.Result, err)
	}
	_ = time.Now
}

// TestGeneratedFile delivers to a file and a directory named by a
// redirection ($address_file), with no file or directory option.
func TestGeneratedFile(t *testing.T) {
	mail := t.TempDir()
	cfg, tp := setup(t, "primary_hostname = test.example\nbegin transports\nt:\n  driver = appendfile\n", "t")
	parent := item.New("jo@test.example")
	a := parent.Child(mail + "/saved")
	a.File = a.Address
	deliver(cfg, tp, newMessage(testMessageHeaders, "body\n"), a)
	expect(t, a, item.OK, 0, "")
	if b, _ := os.ReadFile(mail + "/saved"); !strings.HasPrefix(string(b), "From sender@example.org ") {
		t.Errorf("saved %q", b)
	}
	d := parent.Child(mail + "/folder/")
	d.File = d.Address
	deliver(cfg, tp, newMessage(testMessageHeaders, "body\n"), d)
	expect(t, d, item.OK, 0, "")
	if names, _ := filepath.Glob(mail + "/folder/q*"); len(names) != 1 {
		t.Errorf("folder holds %v", names)
	}
}

func BenchmarkMboxDelivery(b *testing.B) {
	mail := b.TempDir()
	cfg, err := conf.Parse("t.conf", "primary_hostname = test.example\nbegin transports\nt:\n  driver = appendfile\n  file = "+mail+"/box\n", nil)
	if err != nil {
		b.Fatal(err)
	}
	tp, _ := New(cfg.Transport("t"))
	body := strings.Repeat("a line of a message body of some length\n", 250) // 10 KB
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		a := item.New("jo@test.example")
		deliver(cfg, tp, newMessage(testMessageHeaders, body), a)
		if a.Result != item.OK {
			b.Fatal(a.Message)
		}
	}
}

// BenchmarkMaildirDelivery delivers into a Maildir with the load
// benchmark's options (added headers) and a dozen header lines; the
// fsyncs dominate the time, the allocations are what to watch.
func BenchmarkMaildirDelivery(b *testing.B) {
	mail := b.TempDir()
	cfg, err := conf.Parse("t.conf", "primary_hostname = test.example\nbegin transports\nt:\n  driver = appendfile\n  directory = "+mail+
		"/Maildir\n  maildir_format\n  delivery_date_add\n  envelope_to_add\n  return_path_add\n", nil)
	if err != nil {
		b.Fatal(err)
	}
	tp, _ := New(cfg.Transport("t"))
	headers := "Received: from [127.0.0.1] (helo=loadgen)\n\tby mx.bench.example with smtp (Exim 4.96)\n\tid 1xXtV9-0004Vg-1H\n" +
		"Message-Id: <1.2@bench>\nDate: Mon, 30 Nov 2026 09:00:00 +0000\nFrom: sender@client.example\nTo: jo@test.example\n" +
		"Subject: load test message\n"
	body := strings.Repeat("a line of a message body of some length\n", 250)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		a := item.New("jo@test.example")
		deliver(cfg, tp, newMessage(headers, body), a)
		if a.Result != item.OK {
			b.Fatal(a.Message)
		}
	}
}
