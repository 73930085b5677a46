package conf

import "testing"

// Every table default must read back as a value of its type, and every
// driver Exim 4.96 has must be known.
func TestTableDefaultsParse(t *testing.T) {
	for _, kind := range []Kind{KindMain, KindRouter, KindTransport, KindAuthenticator} {
		drivers := append([]string{""}, DriverNames(kind)...)
		for _, drv := range drivers {
			generic, private := Defs(kind, drv)
			defs := private
			if drv == "" {
				defs = generic
			}
			for _, d := range defs {
				if d.Unset {
					continue
				}
				if _, err := parseValue(d, d.Default); err != nil {
					t.Errorf("%v/%s %s: default %q: %v", kind, drv, d.Name, d.Default, err)
				}
			}
		}
	}
}

func TestTablesKnowEveryDriver(t *testing.T) {
	want := map[Kind][]string{
		KindRouter:        {"accept", "dnslookup", "ipliteral", "iplookup", "manualroute", "queryprogram", "redirect"},
		KindTransport:     {"appendfile", "autoreply", "lmtp", "pipe", "smtp", "queuefile"},
		KindAuthenticator: {"plaintext", "cram_md5", "cyrus_sasl", "dovecot", "external", "gsasl", "heimdal_gssapi", "spa", "tls"},
	}
	for kind, names := range want {
		for _, n := range names {
			if !HasDriver(kind, n) {
				t.Errorf("driver %s of kind %v missing", n, kind)
			}
		}
	}
	for _, probe := range []struct {
		kind         Kind
		driver, name string
	}{
		{KindMain, "", "smtp_accept_max"}, {KindMain, "", "dns_servers"},
		{KindRouter, "", "domains"}, {KindRouter, "redirect", "allow_fail"},
		{KindTransport, "smtp", "hosts_try_dane"}, {KindTransport, "queuefile", "directory"},
		{KindAuthenticator, "dovecot", "server_socket"}, {KindRouter, "", "bmi_rule"},
	} {
		if lookupDef(probe.kind, probe.driver, probe.name) == nil {
			t.Errorf("option %s (%s) missing", probe.name, probe.driver)
		}
	}
}

func TestVerifyFansOut(t *testing.T) {
	c := mustParse(t, head+"begin routers\nr:\n  driver = accept\n  no_verify\n", nil)
	r := c.Router("r")
	if r.Bool("verify_sender") || r.Bool("verify_recipient") {
		t.Error("no_verify did not turn off verify_sender and verify_recipient")
	}
}
