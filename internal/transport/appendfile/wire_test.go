package appendfile

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"exigo/internal/item"
	"exigo/internal/transport/eximtest"
)

// wireConf keeps CHUNKING bodies in wire format (CRLF) on the spool.
const wireConf = `
spool_wireformat = true
acl_smtp_rcpt = accept
primary_hostname = test.example
qualify_domain = test.example
begin routers
r:
  driver = accept
  transport = $local_part_data
  local_parts = mbox:maildir:bsmtp
begin transports
mbox:
  driver = appendfile
  file = OUT/mbox
  USER
maildir:
  driver = appendfile
  directory = OUT/Maildir
  maildir_format
  USER
bsmtp:
  driver = appendfile
  file = OUT/bsmtp
  use_bsmtp
  use_crlf
  USER
`

// TestWireFormatLikeExim: a message received with BDAT and spooled in
// wire format (CRLF line ends, a bare CR kept) is written as Exim writes
// it: LF line ends in the mbox and Maildir files, CRLF in batch SMTP.
func TestWireFormatLikeExim(t *testing.T) {
	e := eximtest.New(t, strings.ReplaceAll(strings.ReplaceAll(wireConf, "OUT", "DIR/exim"), "USER", "user = nobody"))
	for _, d := range []string{"exim", "ours"} {
		os.Mkdir(filepath.Join(e.Dir, d), 0o777)
		os.Chmod(filepath.Join(e.Dir, d), 0o777)
	}
	body := "Subject: wire\r\n\r\nFrom here\r\n.dot\r\nbare\rcr\r\nend\r\n"
	e.Run(fmt.Sprintf("EHLO x\r\nMAIL FROM:<s@example.org>\r\nRCPT TO:<mbox@test.example>\r\nRCPT TO:<maildir@test.example>\r\n"+
		"RCPT TO:<bsmtp@test.example>\r\nBDAT %d LAST\r\n%sQUIT\r\n", len(body), body), "-odq", "-bs")
	msg := e.Spooled()
	if !msg.Header.Wireformat {
		t.Fatal("Exim did not spool in wire format")
	}
	e.Run("", "-M", msg.ID)
	ours := filepath.Join(e.Dir, "ours")
	cfg, _ := setup(t, strings.ReplaceAll(strings.ReplaceAll(wireConf, "OUT", ours), "USER\n", ""), "mbox")
	for _, lp := range []string{"mbox", "maildir", "bsmtp"} {
		tp, err := New(cfg.Transport(lp))
		if err != nil {
			t.Fatal(err)
		}
		a := item.New(lp + "@test.example")
		deliver(cfg, tp, msg, a)
		if a.Result != item.OK {
			t.Fatalf("%s: %v %s", lp, a.Result, a.Message)
		}
	}
	from := regexp.MustCompile(`(?m)^From s@example.org .*$`)
	for _, f := range []string{"mbox", "bsmtp"} {
		want := from.ReplaceAllString(readFile(t, filepath.Join(e.Dir, "exim", f)), "From DATE")
		got := from.ReplaceAllString(readFile(t, filepath.Join(ours, f)), "From DATE")
		if got != want {
			t.Errorf("%s differs:\n%q\nExim:\n%q", f, got, want)
		}
	}
	// Exim 4.96 loses the body here: with no check string it takes its
	// sendfile() path for a wire-format body, whose byte count is only
	// set for BDAT output, so it copies nothing. exigo writes the body,
	// with LF line ends as in the mbox.
	got, want := readFile(t, onlyFile(t, ours+"/Maildir/new")), readFile(t, onlyFile(t, e.Dir+"/exim/Maildir/new"))
	if got != want+"From here\n.dot\nbare\rcr\nend\n" {
		t.Errorf("Maildir file:\n%q\nExim (no body):\n%q", got, want)
	}
}
