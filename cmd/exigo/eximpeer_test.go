package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Remote delivery to Debian's Exim 4.96 as the receiving peer: both run
// inside a network namespace with only loopback (unshare -n), exigo
// routes with manualroute and the smtp transport, and Exim queues what
// it accepted.
func TestDeliveryToEximPeer(t *testing.T) {
	if _, err := os.Stat("/usr/sbin/exim4"); err != nil {
		t.Skip("Debian's Exim is not installed (apt-get install exim4-daemon-heavy)")
	}
	if os.Getuid() != 0 {
		t.Skip("unshare -n needs root")
	}
	bin := buildExigo(t)
	dir := t.TempDir()
	eximConf := filepath.Join(dir, "exim.conf")
	os.WriteFile(eximConf, []byte(`primary_hostname = peer.test
spool_directory = `+dir+`/exim/spool
log_file_path = `+dir+`/exim/log/%slog
exim_user = root
exim_group = root
never_users =
queue_only
acl_smtp_rcpt = accept
`), 0o644)
	conf := filepath.Join(dir, "exigo.conf")
	os.WriteFile(conf, []byte(`primary_hostname = sender.test
spool_directory = `+dir+`/exigo/spool
log_file_path = `+dir+`/exigo/log/%slog
begin routers
peer:
  driver = manualroute
  route_list = * 127.0.0.1
  self = send
  transport = to_exim
begin transports
to_exim:
  driver = smtp
  port = 2599
  allow_localhost
  hosts_avoid_tls = *
`), 0o644)
	script := fmt.Sprintf(`set -e
ip link set lo up
/usr/sbin/exim4 -C %[1]s -bdf -oX 2599 &
pid=$!
for i in $(seq 50); do (echo > /dev/tcp/127.0.0.1/2599) 2>/dev/null && break; sleep 0.1; done
printf 'Subject: to exim\n\nhello exim\n' | %[2]s -C %[3]s -f sender@sender.test someone@peer.test
/usr/sbin/exim4 -C %[1]s -bp
kill $pid
`, eximConf, bin, conf)
	out, err := exec.Command("unshare", "-n", "bash", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "<sender@sender.test>") || !strings.Contains(string(out), "someone@peer.test") {
		t.Fatalf("Exim's queue does not hold the message:\n%s", out)
	}
	log := readFile(t, filepath.Join(dir, "exigo", "log", "mainlog"))
	if !strings.Contains(log, "=> someone@peer.test R=peer T=to_exim H=127.0.0.1 [127.0.0.1]") {
		t.Fatalf("exigo's mainlog:\n%s", log)
	}
}
