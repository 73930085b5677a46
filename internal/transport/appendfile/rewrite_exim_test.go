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

// rewriteConf has global rules (so Exim's spool holds "*"-marked old
// header lines and X-rewrote- lines, which are never written) and a
// transport whose headers_rewrite changes domains, a From: as a whole
// and a phrase-keeping address, and leaves Subject: alone.
const rewriteConf = `
primary_hostname = test.example
qualify_domain = test.example
begin routers
r:
  driver = accept
  transport = mbox
begin transports
mbox:
  driver = appendfile
  file = OUT/mbox
  headers_rewrite = *@*.inside.example $1@outside.example : \
    boss@test.example "The Boss <chief@outside.example>" fw : \
    *@test.example $local_part@mail.test.example tc
  USER
begin rewrite
*@old.example $local_part@test.example
`

const rewriteMessage = "From: boss@test.example\n" +
	"To: Someone <someone@a.inside.example>, other@old.example,\n" +
	"  third@b.inside.example\n" +
	"Cc: carbon@test.example (copy), undisclosed:;\n" +
	"Reply-To: replies@c.inside.example\n" +
	"Subject: from boss@test.example\n\nbody\n"

// TestHeadersRewriteLikeExim has Exim receive a message and deliver it to
// an mbox through headers_rewrite, then delivers Exim's spooled copy with
// this package and compares the files byte for byte.
func TestHeadersRewriteLikeExim(t *testing.T) {
	e := eximtest.New(t, strings.ReplaceAll(strings.ReplaceAll(rewriteConf, "OUT", "DIR/exim"), "USER", "user = nobody"))
	for _, d := range []string{"exim", "ours"} {
		os.Mkdir(filepath.Join(e.Dir, d), 0o777)
		os.Chmod(filepath.Join(e.Dir, d), 0o777)
	}
	msg := e.Queue(rewriteMessage, "s@example.org", "u@test.example")
	e.Run("", "-M", msg.ID)
	ours := filepath.Join(e.Dir, "ours")
	cfg, tp := setup(t, strings.ReplaceAll(strings.ReplaceAll(rewriteConf, "OUT", ours), "USER\n", ""), "mbox")
	a := item.New("u@test.example")
	deliver(cfg, tp, msg, a)
	if a.Result != item.OK {
		t.Fatalf("delivery: %v %s", a.Result, a.Message)
	}
	from := regexp.MustCompile(`(?m)^From s@example.org .*$`)
	want := from.ReplaceAllString(readFile(t, filepath.Join(e.Dir, "exim", "mbox")), "From DATE")
	have := from.ReplaceAllString(readFile(t, filepath.Join(ours, "mbox")), "From DATE")
	if have != want {
		t.Errorf("mbox differs:\n%s\nExim:\n%s", have, want)
	}
	if testing.Verbose() {
		t.Logf("Exim's mbox:\n%s", want)
	}
}
