package conf

import (
	"bytes"
	"strings"
	"testing"
)

// Expected lines were printed by Debian's Exim 4.96 for the same settings.
func TestPrintAsExim(t *testing.T) {
	c := mustParse(t, `primary_hostname = myhost.test.ex
hide qualify_domain = secret.example
MYMAC = hello
domainlist local_domains = @ : localhost
queue_only_load = 2.5
smtp_accept_max = 3K
bounce_return_size_limit = 2048
check_spool_space = 3000
check_log_space = 2048K
begin routers
r1:
  driver = accept
  transport = t1
begin transports
t1:
  driver = appendfile
  file = /tmp/x
  mode = 0640
`, nil)
	for _, tc := range []struct {
		args  []string
		admin bool
		want  string
	}{
		{[]string{"queue_only_load"}, true, "queue_only_load = 2.5\n"},
		{[]string{"smtp_accept_max"}, true, "smtp_accept_max = 3072\n"},
		{[]string{"bounce_return_size_limit"}, true, "bounce_return_size_limit = 2K\n"},
		{[]string{"qualify_domain"}, true, "qualify_domain = secret.example\n"},
		{[]string{"qualify_domain"}, false, "qualify_domain = <value not displayable>\n"},
		{[]string{"deliver_queue_load_max"}, true, "deliver_queue_load_max =\n"},
		{[]string{"acl_smtp_rcpt"}, true, "acl_smtp_rcpt = \n"},
		{[]string{"accept_8bitmime"}, true, "accept_8bitmime\n"},
		{[]string{"allow_domain_literals"}, true, "no_allow_domain_literals\n"},
		{[]string{"auto_thaw"}, true, "auto_thaw = 0s\n"},
		{[]string{"ignore_bounce_errors_after"}, true, "ignore_bounce_errors_after = 10w\n"},
		{[]string{"router_list"}, true, "r1\n"},
		{[]string{"transport_list"}, true, "t1\n"},
		{[]string{"+local_domains"}, true, "domainlist local_domains = @ : localhost\n"},
		{[]string{"macro", "MYMAC"}, true, "MYMAC=hello\n"},
		{[]string{"config_file"}, true, "test.conf\n"},
		{[]string{"check_spool_space"}, true, "check_spool_space = 3000K\n"},
		{[]string{"check_log_space"}, true, "check_log_space = 2M\n"},
		{[]string{"check_log_inodes"}, true, "check_log_inodes = 100\n"},
	} {
		var b bytes.Buffer
		var err error
		if len(tc.args) == 2 {
			err = c.PrintItem(&b, tc.args[0], tc.args[1], tc.admin)
		} else {
			err = c.PrintOption(&b, tc.args[0], tc.admin)
		}
		if err != nil || b.String() != tc.want {
			t.Errorf("-bP %v: got %q (%v), want %q", tc.args, b.String(), err, tc.want)
		}
	}
	var b bytes.Buffer
	if err := c.PrintOption(&b, "nosuch", true); err == nil || err.Error() != "nosuch is not a known option" {
		t.Errorf("unknown option: %v", err)
	}
	if err := c.PrintItem(&b, "macro", "nosuch", true); err == nil || err.Error() != "macro nosuch not found" {
		t.Errorf("unknown macro: %v", err)
	}
	b.Reset()
	c.PrintItem(&b, "transport", "t1", true)
	for _, want := range []string{"driver = appendfile\n", "file = /tmp/x\n", "mode = 0640\n", "no_body_only\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("-bP transport t1 lacks %q", want)
		}
	}
}

// -bP with no argument prints every main option; the list must be the
// one Exim 4.96 prints (plus the options this project adds).
func TestPrintMainCoversExim(t *testing.T) {
	c := mustParse(t, head, nil)
	var b bytes.Buffer
	c.PrintMain(&b, true)
	for _, want := range []string{"accept_8bitmime\n", "message_size_limit = 50M\n", "smtp_accept_max = 20\n", "dns_servers = \n", "delay_warning = 1d\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("-bP lacks %q", want)
		}
	}
}

func TestVars(t *testing.T) {
	c := mustParse(t, head, nil)
	if v, _ := c.Var("qualify_recipient"); v != "a.b" {
		t.Errorf("qualify_recipient defaults to %q", v)
	}
	if v, _ := c.Var("config_file"); v != "test.conf" {
		t.Errorf("config_file = %q", v)
	}
}
