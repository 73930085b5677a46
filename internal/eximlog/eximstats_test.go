package eximlog

import (
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"
)

const eximstats = "/usr/sbin/eximstats"

// TestEximstatsReadsOurLines has Debian's eximstats (package exim4-base)
// read a log written here, in each timestamp style, and count the
// message.
func TestEximstatsReadsOurLines(t *testing.T) {
	if _, err := os.Stat(eximstats); err != nil {
		t.Skip("eximstats is not installed (Debian package exim4-base)")
	}
	received := regexp.MustCompile(`(?m)^  Received +2281 +1 +1 `)
	delivered := regexp.MustCompile(`(?m)^  Delivered +2281 +1 +1 +1$`)
	for _, sel := range []string{"", "+millisec", "+pid", "+millisec +pid"} {
		for _, zone := range []bool{false, true} {
			l, dir := testLogger(t, Config{Selector: sel, Timezone: zone, Pid: 1234},
				time.Date(2026, 11, 30, 4, 17, 8, 123e6, time.UTC), 500*time.Millisecond)
			const id = "1xXsrK-0001IY-0w"
			l.Main(id, "<= a@b.example H=(client.example) [192.0.2.1]:1234 P=esmtp S=2281 id=abc@x")
			l.Main(id, `=> c@d.example R=r T=t H=mx.d.example [192.0.2.9] C="250 OK"`)
			l.Main(id, "Completed")
			out, err := exec.Command("perl", eximstats, "-nr", "-nt", dir+"/mainlog").CombinedOutput()
			if err != nil {
				t.Fatalf("eximstats: %v\n%s", err, out)
			}
			if !received.Match(out) || !delivered.Match(out) {
				t.Errorf("selector %q, log_timezone %v: eximstats saw:\n%s", sel, zone, out)
			}
		}
	}
}
