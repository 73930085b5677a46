package acl

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// rateOracleACLs log the variables the ratelimit condition reads and
// sets around each condition.
const rateOracleACLs = `acl_smtp_connect = conn
acl_smtp_mail = mail
acl_smtp_rcpt = rcpt
acl_smtp_data = data
begin acl
conn:
  warn ratelimit = 5 / 1h / per_conn
  warn logwrite = R $sender_rate $sender_rate_limit $sender_rate_period
  accept
mail:
  warn ratelimit = 2 / 1h / per_byte
  warn ratelimit = 10 / 1h / per_mail / unique=$sender_address / strict
  warn logwrite = R $sender_rate $sender_rate_limit $sender_rate_period
  accept
rcpt:
  warn ratelimit = 3 / 1h / per_addr
  warn ratelimit = 1 / 1h / per_mail
  warn ratelimit = 2 / 1h / per_rcpt / strict / $local_part
  warn ratelimit = 1 / 1h / per_cmd / strict
  warn logwrite = R $sender_rate $sender_rate_limit $sender_rate_period
  accept
data:
  warn ratelimit = 3 / 1h / per_rcpt
  warn ratelimit = 1 / 1h / per_conn / readonly
  warn ratelimit = 1k / 1h / per_byte
  warn logwrite = R $sender_rate $sender_rate_limit $sender_rate_period
  accept
`

var rateOracleRcpts = []string{"u1@d", "u1@d", "u2@d"}

// rateLines keeps the ratelimit trace and the R log lines, without the
// message id Exim puts on log lines once it has one.
func rateLines(out string) []string {
	id := regexp.MustCompile(`^LOG: \S{6}-\S{6}-\S{2} `)
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		l = id.ReplaceAllString(l, "LOG: ")
		if strings.HasPrefix(l, ">>> ratelimit") || strings.HasPrefix(l, "LOG: R ") {
			lines = append(lines, l)
		}
	}
	return lines
}

func eximRatelimit(t *testing.T, dir string) []string {
	if _, err := os.Stat("/usr/sbin/exim4"); err != nil {
		t.Skip("/usr/sbin/exim4 not installed: no Exim to compare with")
	}
	confPath := filepath.Join(dir, "exim.conf")
	text := fmt.Sprintf("primary_hostname = myhost.test.ex\nspool_directory = %s/spool\nlog_file_path = %s/%%slog\n"+
		"exim_user = root\nexim_group = root\nkeep_environment =\n%s", dir, dir, rateOracleACLs)
	os.WriteFile(confPath, []byte(text), 0o644)
	var in strings.Builder
	in.WriteString("EHLO x\r\nMAIL FROM:<a@b> SIZE=500\r\n")
	for _, r := range rateOracleRcpts {
		fmt.Fprintf(&in, "RCPT TO:<%s>\r\n", r)
	}
	in.WriteString("DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n")
	cmd := exec.Command("unshare", "-n", "sh", "-c", "ip link set lo up; /usr/sbin/exim4 -C \"$0\" -bh 10.0.0.1 2>&1", confPath)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("cannot run exim in a network namespace: %v\n%s", err, out)
	}
	return rateLines(string(out))
}

// oursRatelimit replays the session through the engine with the values
// Exim has for $message_size and $recipients_count at each point.
func oursRatelimit(t *testing.T, dir string) []string {
	vars := map[string]string{"sender_host_address": "10.0.0.1", "message_size": "0", "recipients_count": "0"}
	env, tr := rateEnv(t, dir, rateOracleACLs, vars)
	env.Check(WhereConnect, "")
	env.State.ResetMessage() // EHLO
	vars["message_size"], vars["sender_address"] = "500", "a@b"
	env.Check(WhereMAIL, "")
	for i, r := range rateOracleRcpts {
		vars["recipients_count"] = fmt.Sprint(i)
		env.Check(WhereRCPT, r)
	}
	vars["message_size"], vars["recipients_count"] = "17", fmt.Sprint(len(rateOracleRcpts))
	env.Check(WhereDATA, "")
	return rateLines(tr.buf.String())
}

func TestRatelimitAgainstExim(t *testing.T) {
	theirs := eximRatelimit(t, t.TempDir())
	ours := oursRatelimit(t, t.TempDir())
	if len(theirs) < 40 {
		t.Fatalf("too little from exim:\n%s", strings.Join(theirs, "\n"))
	}
	t.Logf("%d lines", len(theirs))
	compareLines(t, "ratelimit", theirs, ours)
}
