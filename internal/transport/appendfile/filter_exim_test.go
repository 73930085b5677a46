package appendfile

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"exigo/internal/item"
	"exigo/internal/transport/eximtest"
)

// filterConf runs each mailbox through a transport_filter: sed making a
// "From " header line and an unterminated last line, tr on a Maildir
// (whose size tag is what the filter wrote), printf with $pipe_addresses
// and no final newline on batch SMTP, and failing filters.
const filterConf = `
primary_hostname = test.example
qualify_domain = test.example
begin routers
r:
  driver = accept
  transport = $local_part_data
  local_parts = mbox:maildir:bsmtp:false:noexec
begin transports
mbox:
  driver = appendfile
  file = OUT/mbox
  envelope_to_add
  transport_filter = /bin/sed -e s/^Subject:/From/ -e s/body/BODY/ -e \$s/\$/--/
  USER
maildir:
  driver = appendfile
  directory = OUT/Maildir
  maildir_format
  maildir_tag = ,S=$message_size
  transport_filter = /usr/bin/tr a-z A-Z
  USER
bsmtp:
  driver = appendfile
  file = OUT/bsmtp
  use_bsmtp
  use_crlf
  transport_filter = /bin/sh -c 'cat >/dev/null; printf "X-Filtered: %s\\n\\nno newline" "\$0"' $pipe_addresses
  USER
false:
  driver = appendfile
  file = OUT/false
  transport_filter = /bin/sh -c 'cat; exit 3'
  USER
noexec:
  driver = appendfile
  file = OUT/noexec
  transport_filter = /nonexistent/filter
  USER
`

const filterMessage = "From: a@b\nSubject: hello\n\nbody line\nFrom here\n.dot\nlast\n"

// TestFilterLikeExim has Debian's Exim and this package deliver the same
// spooled message through transport filters and compares the files byte
// for byte, and the failures' error numbers and messages.
func TestFilterLikeExim(t *testing.T) {
	e := eximtest.New(t, strings.ReplaceAll(strings.ReplaceAll(filterConf, "OUT", "DIR/exim"), "USER", "user = nobody"))
	for _, d := range []string{"exim", "ours"} {
		os.Mkdir(filepath.Join(e.Dir, d), 0o777)
		os.Chmod(filepath.Join(e.Dir, d), 0o777)
	}
	lps := []string{"mbox", "maildir", "bsmtp", "false", "noexec"}
	var rcpts []string
	for _, lp := range lps {
		rcpts = append(rcpts, lp+"@test.example")
	}
	msg := e.Queue(filterMessage, "s@example.org", rcpts...)
	e.Run("", "-M", msg.ID)
	exim := e.Outcomes()
	if testing.Verbose() {
		b, _ := os.ReadFile(filepath.Join(e.Dir, "mainlog"))
		t.Logf("Exim's log:\n%s", b)
	}

	ours := filepath.Join(e.Dir, "ours")
	cfg, _ := setup(t, strings.ReplaceAll(strings.ReplaceAll(filterConf, "OUT", ours), "USER\n", ""), "mbox")
	got := map[string]*item.Address{}
	for _, lp := range lps {
		tp, err := New(cfg.Transport(lp))
		if err != nil {
			t.Fatal(err)
		}
		a := item.New(lp + "@test.example")
		deliver(cfg, tp, msg, a)
		got[lp] = a
	}
	from := regexp.MustCompile(`(?m)^From s@example.org .*$`)
	for _, f := range []string{"mbox", "bsmtp", "false", "noexec"} {
		want := from.ReplaceAllString(readFile(t, filepath.Join(e.Dir, "exim", f)), "From DATE")
		have := from.ReplaceAllString(readFile(t, filepath.Join(ours, f)), "From DATE")
		if have != want {
			t.Errorf("%s differs:\n%q\nExim:\n%q", f, have, want)
		}
	}
	eximFile, ourFile := onlyFile(t, e.Dir+"/exim/Maildir/new"), onlyFile(t, ours+"/Maildir/new")
	if w, h := readFile(t, eximFile), readFile(t, ourFile); h != w {
		t.Errorf("Maildir file differs:\n%q\nExim:\n%q", h, w)
	}
	if w, h := filepath.Ext(strings.ReplaceAll(eximFile, ",", ".")), filepath.Ext(strings.ReplaceAll(ourFile, ",", ".")); w != h {
		t.Errorf("Maildir size tag %s, Exim %s", h, w)
	}
	for _, lp := range lps {
		a, x := got[lp], exim[lp+"@test.example"]
		res := map[item.Result]string{item.OK: "=>", item.Defer: "==", item.Fail: "**"}[a.Result]
		errno := ""
		if res == "==" {
			errno = strconv.Itoa(a.BasicErrno)
		}
		msg := strings.ReplaceAll(a.Message, ours, filepath.Join(e.Dir, "exim"))
		if res != x.Result || errno != x.Errno || (res != "=>" && msg != x.Text) {
			t.Errorf("%s: %s (%s) %q\nExim: %s (%s) %q", lp, res, errno, a.Message, x.Result, x.Errno, x.Text)
		}
	}
}
