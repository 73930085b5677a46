package appendfile

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"exigo/internal/conf"
	"exigo/internal/item"
	"exigo/internal/transport/eximtest"
)

// quotaWarnConf routes each local part to the transport of that name;
// Exim's warnings (from <>) are thrown away after being logged.
const quotaWarnConf = `
primary_hostname = test.example
qualify_domain = test.example
begin routers
warnings:
  driver = redirect
  senders = :
  data = :blackhole:
r:
  driver = accept
  local_parts = abs:pct:incl:md:pctnoquota:full
  transport = $local_part_data
begin transports
abs:
  driver = appendfile
  file = OUT/abs
  quota_warn_threshold = 1500
  USER
pct:
  driver = appendfile
  file = OUT/pct
  quota = 4K
  quota_warn_threshold = 50%
  USER
incl:
  driver = appendfile
  file = OUT/incl
  quota = 3K
  quota_is_inclusive = false
  quota_warn_threshold = 40%
  USER
md:
  driver = appendfile
  directory = OUT/md
  maildir_format
  quota = 4K
  quota_warn_threshold = 25%
  USER
pctnoquota:
  driver = appendfile
  file = OUT/pctnoquota
  quota_warn_threshold = 50%
  USER
full:
  driver = appendfile
  file = OUT/full
  quota = 1500
  quota_warn_threshold = 1000
  USER
`

// TestQuotaWarningsAsExim delivers the same message five times to
// mailboxes with different quota and threshold settings, with Debian's
// Exim 4.96 and with this transport, and compares which deliveries ask
// for the warning (Exim's log: a message from <> to the mailbox's
// address, made during that delivery) and which are deferred.
func TestQuotaWarningsAsExim(t *testing.T) {
	names := []string{"abs", "pct", "incl", "md", "pctnoquota", "full"}
	var rcpts []string
	for _, n := range names {
		rcpts = append(rcpts, n+"@test.example")
	}
	e := eximtest.New(t, strings.ReplaceAll(strings.ReplaceAll(quotaWarnConf, "OUT", "DIR/exim"), "USER", "user = nobody"))
	for _, sub := range []string{"exim", "ours"} {
		os.Mkdir(filepath.Join(e.Dir, sub), 0o777)
		os.Chmod(filepath.Join(e.Dir, sub), 0o777)
	}
	cfg, err := conf.Parse("q.conf", strings.ReplaceAll(strings.ReplaceAll(quotaWarnConf, "OUT", e.Dir+"/ours"), "USER\n", ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	body := "Subject: quota\n\n" + strings.Repeat(strings.Repeat("q", 60)+"\n", 8)
	warnings, deferrals := 0, 0
	warnedRE := regexp.MustCompile(`=> :blackhole: <(\S+)@test.example> R=warnings`)
	for round := 1; round <= 5; round++ {
		msg := e.Queue(body, "s@example.org", rcpts...)
		logBefore := readLog(e.Dir)
		e.Run("", "-M", msg.ID)
		log := strings.TrimPrefix(readLog(e.Dir), logBefore)
		exim := map[string]bool{}
		for _, m := range warnedRE.FindAllStringSubmatch(log, -1) {
			exim[m[1]] = true
			warnings++
		}
		deferrals += strings.Count(log, " == ")
		t.Logf("round %d: Exim warned %v", round, exim)
		for _, n := range names {
			tp, err := New(cfg.Transport(n))
			if err != nil {
				t.Fatal(err)
			}
			a := item.New(n + "@test.example")
			deliver(cfg, tp, msg, a)
			if a.QuotaWarn != exim[n] {
				t.Errorf("round %d, %s: warning %v, Exim %v", round, n, a.QuotaWarn, exim[n])
			}
			if want := strings.Contains(log, " == "+n+"@test.example "); (a.Result == item.Defer) != want {
				t.Errorf("round %d, %s: deferred %v, Exim %v", round, n, a.Result == item.Defer, want)
			}
		}
	}
	if warnings == 0 || deferrals == 0 {
		t.Errorf("Exim warned %d times, deferred %d: the test proves little", warnings, deferrals)
	}
}

func readLog(dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "mainlog"))
	return string(b)
}
