package eximlog

import (
	"strings"
	"testing"
)

func TestDefaultSelector(t *testing.T) {
	want := "+acl_warn_skipped +connection_reject +delay_delivery +dkim " +
		"+dnslist_defer +etrn +host_lookup_failed +lost_incoming_connection " +
		"+msg_id +outgoing_interface +queue_run +rejected_header +retry_defer " +
		"+sender_verify_fail +size_reject +skip_delivery +smtp_confirmation " +
		"+tls_certificate_verified +tls_cipher"
	if got := DefaultSelector().String(); got != want {
		t.Errorf("defaults:\n got %s\nwant %s", got, want)
	}
	s, err := ParseSelector("")
	if err != nil || s != DefaultSelector() {
		t.Errorf("empty setting: %v %v", s, err)
	}
}

func TestParseSelector(t *testing.T) {
	s, err := ParseSelector("+smtp_connection -retry_defer\t+pid+millisec +rejected_headers")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []Name{SmtpConnection, Pid, Millisec, RejectedHeader, TLSCipher} {
		if !s.Has(n) {
			t.Errorf("%s should be on", n)
		}
	}
	if s.Has(RetryDefer) {
		t.Error("retry_defer should be off")
	}
	if !s.Has(0) {
		t.Error("the zero Name is always on")
	}
	all, _ := ParseSelector("+all -dkim")
	for _, n := range Names() {
		if all.Has(n) != (n != Dkim) {
			t.Errorf("+all -dkim: %s", n)
		}
	}
	none, _ := ParseSelector("-all +subject")
	if none.String() != "+subject" {
		t.Errorf("-all +subject = %s", none)
	}
}

// The texts are those of Exim 4.96 (see TestSettingsAgainstExim).
func TestSelectorErrors(t *testing.T) {
	for setting, want := range map[string]string{
		"+foo_bar":           "unknown log_selector setting: +foo_bar",
		"-rejected_h":        "unknown log_selector setting: -rejected_h",
		"foo":                `malformed log_selector setting: + or - expected but found "foo"`,
		"+dkim, +pid":        `malformed log_selector setting: + or - expected but found ", +pid"`,
		"+":                  "unknown log_selector setting: +",
		"+all_parameters":    "unknown log_selector setting: +all_parameters",
		"=12x":               "malformed numeric log_selector setting: =12x",
		"+pid +subject +8bi": "unknown log_selector setting: +8bi",
	} {
		_, err := ParseSelector(setting)
		if err == nil {
			t.Errorf("%q: no error", setting)
			continue
		}
		if e := err.(*Error); e.Msg != want || !e.Config {
			t.Errorf("%q: got %q want %q", setting, e.Msg, want)
		}
		if !strings.HasPrefix(err.Error(), "Exim configuration error:\n  ") {
			t.Errorf("%q: %q lacks Exim's lead", setting, err.Error())
		}
	}
}

func TestNumericSelector(t *testing.T) {
	s, err := ParseSelector("=0x1001")
	if err != nil {
		t.Fatal(err)
	}
	if s.String() != "+address_rewrite +smtp_connection" {
		t.Errorf("=0x1001 = %s", s)
	}
}

func TestNames(t *testing.T) {
	// Exim 4.96's table, which the binary's strings and -bP confirm.
	want := "8bitmime acl_warn_skipped address_rewrite all_parents arguments " +
		"connection_reject delay_delivery deliver_time delivery_size dkim " +
		"dkim_verbose dnslist_defer dnssec etrn host_lookup_failed " +
		"ident_timeout incoming_interface incoming_port " +
		"lost_incoming_connection millisec msg_id msg_id_created " +
		"outgoing_interface outgoing_port pid pipelining protocol_detail " +
		"proxy queue_run queue_time queue_time_exclusive queue_time_overall " +
		"receive_time received_recipients received_sender rejected_header " +
		"retry_defer return_path_on_delivery sender_on_delivery " +
		"sender_verify_fail size_reject skip_delivery smtp_confirmation " +
		"smtp_connection smtp_incomplete_transaction smtp_mailauth " +
		"smtp_no_mail smtp_protocol_error smtp_syntax_error subject " +
		"tls_certificate_verified tls_cipher tls_peerdn tls_resumption " +
		"tls_sni unknown_in_list"
	var got []string
	for _, n := range Names() {
		got = append(got, n.String())
		if m, ok := LookupName(n.String()); !ok || m != n {
			t.Errorf("LookupName(%s)", n)
		}
	}
	if strings.Join(got, " ") != want {
		t.Errorf("names:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}
