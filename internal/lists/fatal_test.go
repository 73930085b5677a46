package lists

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// fatalCases make Exim write a panic-log line and exit.
var fatalCases = []listCase{
	{"match_domain", "a.b", "^a("},
	{"match_domain", "a.b", "foo;/x"},
	{"match_domain", "a.b", "lsearch;{D}/nonexist"},
	{"match_domain", "a.b", "{D}/nonexist"},
	{"match_ip", "1.2.3.4", "{D}/nonexist"},
	{"match_address", "a@b", "*@{D}/nonexist"},
	{"match_ip", "1.2.3.4", "net-foo;/x"},
	{"match_local_part", "a", "x : ^a["},
	{"match_domain", "a.b", "lsearch;rel"},
	{"match_domain", "a.b", "a.b ; c"},
	{"match_domain", "a.b", "<;a.b;;c"},
	{"match_ip", "1.2.3.4", "partial-lsearch;{D}/ls3"},
	{"match_ip", "1.2.3.4", "lsearch*;{D}/lsstar"},
}

var logStamp = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d `)

func TestFatalAgainstExim(t *testing.T) {
	if _, err := exec.LookPath("exim"); err != nil {
		t.Skip("exim not installed: no oracle")
	}
	dir := writeFixtures(t)
	for _, c := range fatalCases {
		expr := c.beExpr(dir)
		args := []string{"-n", "sh", "-c", `exim -C "$0" -be "$1" 2>&1 >/dev/null`, eximConf(t), expr}
		out, _ := exec.Command("unshare", args...).Output()
		theirs := logStamp.ReplaceAllString(strings.TrimSpace(string(out)), "")
		ours := c.ours(dir)
		if !strings.HasPrefix(ours, "Failed: ") || ours[len("Failed: "):] != theirs {
			t.Errorf("%s\n  exim:  %q\n  exigo: %q", expr, theirs, ours)
		}
	}
}
