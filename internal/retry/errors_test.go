package retry

import (
	"testing"

	"exigo/internal/item"
)

func TestParseError(t *testing.T) {
	for _, c := range []struct {
		name        string
		basic, more int
		bad         bool
	}{
		{"*", 0, 0, false},
		{"quota", item.ErrnoEximQuota, 0, false},
		{"quota_7d", item.ErrnoEximQuota, 7 * 86400, false},
		{"quota_x", 0, 0, true},
		{"refused", ECONNREFUSED, 0, false},
		{"refused_MX", ECONNREFUSED, 'M', false},
		{"refused_a", ECONNREFUSED, 'A', false},
		{"refused_B", 0, 0, true},
		{"timeout", ETIMEDOUT, 0, false},
		{"timeout_A", ETIMEDOUT, 'A', false},
		{"timeout_MX", ETIMEDOUT, 'M', false},
		{"timeout_connect", ETIMEDOUT, item.RTEFConnectTimeout, false},
		{"timeout_connect_A", ETIMEDOUT, item.RTEFConnectTimeout | 'A', false},
		{"timeout_connect_MX", ETIMEDOUT, item.RTEFConnectTimeout | 'M', false},
		{"timeout_DNS", ETIMEDOUT, 0, false},
		{"timeout_zz", 0, 0, true},
		{"rcpt_4xx", item.ErrnoRcpt4xx, 255 << 8, false},
		{"rcpt_45x", item.ErrnoRcpt4xx, 150 << 8, false},
		{"mail_451", item.ErrnoMail4xx, 51 << 8, false},
		{"data_4xx", item.ErrnoData4xx, 255 << 8, false},
		{"MAIL_4xx", item.ErrnoData4xx, 255 << 8, false}, // Exim's first-letter test is case-sensitive
		{"rcpt_4x5", 0, 0, true},
		{"rcpt_4", 0, 0, true},
		{"auth_failed", item.ErrnoAuthFail, 0, false},
		{"lost_connection", item.ErrnoSMTPClosed, 0, false},
		{"lost", item.ErrnoSMTPClosed, 0, false},
		{"tls_required", item.ErrnoTLSRequired, 0, false},
		{"lookup", item.ErrnoUnknownHost, 0, false},
		{"bogus", 0, 0, true},
	} {
		b, m, err := ParseError(c.name)
		if (err != nil) != c.bad || b != c.basic || m != c.more {
			t.Errorf("ParseError(%q) = %d, %d, %v", c.name, b, m, err)
		}
	}
	if _, _, err := ParseError("bogus"); err == nil || err.Error() != `unknown or malformed retry error "bogus"` {
		t.Errorf("error text: %v", err)
	}
}

func TestMore4xx(t *testing.T) {
	if More4xx(451) != 51<<8 {
		t.Error(More4xx(451))
	}
}
