package appendfile

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"exigo/internal/item"
	"exigo/internal/transport/eximtest"
)

// eximConf delivers mb@ to an mbox with every header option, md@ to a
// Maildir with a size tag, nf@ to a directory_file name, bs@ to a batch
// SMTP file with CRLF line ends. MAIL is where the mailboxes go.
const eximConf = `
primary_hostname = test.example
qualify_domain = test.example
begin routers
mb:
  driver = accept
  local_parts = mb
  transport = mbox
  headers_add = X-Router-Added: yes
  headers_remove = X-Remove-By-Router
md:
  driver = accept
  local_parts = md
  transport = maildir
bs:
  driver = accept
  local_parts = bs
  transport = bsmtp
begin transports
mbox:
  driver = appendfile
  file = MAIL/mbox
  return_path_add
  envelope_to_add
  delivery_date_add
  headers_add = X-Added: $local_part_data@$domain\nX-Second: two
  headers_remove = X-Remove-Me : x-wild*
maildir:
  driver = appendfile
  directory = MAIL/Maildir
  maildir_format
  maildir_tag = ,S=$message_size
  return_path_add
bsmtp:
  driver = appendfile
  file = MAIL/bsmtp
  use_bsmtp
  use_crlf
`

const eximMessage = `From: Someone <someone@example.org>
To: mb@test.example, md@test.example, bs@test.example
Subject: test
X-Remove-Me: gone
X-Wildcard-Header: gone too
X-Remove-By-Router: router gone
X-Keep: kept
 continued
.Dotted-Header: x

From the start of a line
>From already
.dot line
..two dots
From
Final line without newline`

// TestSameFilesAsExim has Debian's Exim 4.96 spool a message and deliver
// it to an mbox, a Maildir and a batch SMTP file, delivers the same
// spooled message with this package, and compares the files byte for
// byte (but for the delivery time in the "From " and Delivery-date:
// lines, and the Maildir file names' time and pid).
func TestSameFilesAsExim(t *testing.T) {
	text := strings.ReplaceAll(strings.ReplaceAll(eximConf, "MAIL", "DIR/exim"), "return_path_add\n", "return_path_add\n  user = nobody\n")
	e := eximtest.New(t, strings.ReplaceAll(text, "  use_crlf\n", "  use_crlf\n  user = nobody\n"))
	eximMail, ourMail := filepath.Join(e.Dir, "exim"), filepath.Join(e.Dir, "ours")
	for _, d := range []string{eximMail, ourMail} {
		os.MkdirAll(d, 0o777)
		os.Chmod(d, 0o777) // Exim delivers as nobody
	}
	e.Run(eximMessage, "-odq", "-f", "sender@example.org", "-t")
	msg := e.Spooled()
	e.Run("", "-M", msg.ID)

	cfg, _ := setup(t, strings.ReplaceAll(eximConf, "MAIL", ourMail), "mbox")
	for _, rcpt := range []struct{ addr, tp string }{{"mb@test.example", "mbox"}, {"md@test.example", "maildir"}, {"bs@test.example", "bsmtp"}} {
		tp, err := New(cfg.Transport(rcpt.tp))
		if err != nil {
			t.Fatal(err)
		}
		a := item.New(rcpt.addr)
		if rcpt.tp == "mbox" {
			a.HeadersAdd = []string{"X-Router-Added: yes\n"}
			a.HeadersRemove = []string{"X-Remove-By-Router"}
		}
		deliver(cfg, tp, msg, a)
		if a.Result != item.OK {
			t.Fatalf("%s: %v %s", rcpt.addr, a.Result, a.Message)
		}
	}
	dates := regexp.MustCompile(`(?m)^(From sender@example.org|Delivery-date:) .*$`)
	for _, f := range []string{"mbox", "bsmtp"} {
		want := dates.ReplaceAllString(readFile(t, filepath.Join(eximMail, f)), "$1 DATE")
		got := dates.ReplaceAllString(readFile(t, filepath.Join(ourMail, f)), "$1 DATE")
		if got != want {
			t.Errorf("%s differs:\n%q\nExim:\n%q", f, got, want)
		}
	}
	if testing.Verbose() {
		t.Logf("bsmtp:\n%q", readFile(t, filepath.Join(ourMail, "bsmtp")))
	}
	eximFile, ourFile := onlyFile(t, eximMail+"/Maildir/new"), onlyFile(t, ourMail+"/Maildir/new")
	name := regexp.MustCompile(`^\d+\.M\d+P\d+\.test\.example(,S=\d+)$`)
	em, om := name.FindStringSubmatch(filepath.Base(eximFile)), name.FindStringSubmatch(filepath.Base(ourFile))
	if em == nil || om == nil || em[1] != om[1] {
		t.Errorf("Maildir names %s (Exim %s)", filepath.Base(ourFile), filepath.Base(eximFile))
	}
	if got, want := readFile(t, ourFile), readFile(t, eximFile); got != want {
		t.Errorf("Maildir file differs:\n%q\nExim:\n%q", got, want)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func onlyFile(t *testing.T, dir string) string {
	t.Helper()
	names, _ := filepath.Glob(dir + "/*")
	if len(names) != 1 {
		t.Fatalf("%s holds %v", dir, names)
	}
	return names[0]
}
