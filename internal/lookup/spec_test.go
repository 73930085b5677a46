package lookup

import (
	"fmt"
	"testing"
)

func TestParseSpec(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"lsearch", "lsearch"},
		{"partial-lsearch", "partial2(*.)lsearch"},
		{"partial3-lsearch*", "partial3(*.)lsearch*"},
		{"partial0(.)lsearch*@", "partial0(.)lsearch*@"},
		{"partial1()dsearch", "partial1()dsearch"},
		{"lsearch*@,ret=key", "lsearch*@,ret=key"},
		{"dsearch,ret=full,filter=file", "dsearch,ret=full,filter=file"},
		{"dnsdb", "dnsdb"},
	} {
		s, err := ParseSpec(tc.in)
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", tc.in, err)
			continue
		}
		if got := s.String(); got != tc.want {
			t.Errorf("ParseSpec(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// The error texts are Exim's (checked with exim -be, see TestParseSpecErrorsAgainstExim).
var specErrors = []struct{ in, want string }{
	{"foo", `unknown lookup type "foo"`},
	{"partialx-lsearch", `format error in lookup type "partialx-lsearch"`},
	{"partial(ab)-lsearch", `format error in lookup type "partial(ab)-lsearch"`},
	{"partial(.-lsearch", `format error in lookup type "partial(.-lsearch"`},
	{"partial-dnsdb", `"partial" is not permitted for lookup type "dnsdb"`},
	{"partial-dnsdb,x=y", `"partial" is not permitted for lookup type "dnsdb,x=y"`},
	{"dnsdb*", `defaults using "*" or "*@" are not permitted for lookup type "dnsdb*"`},
	{"dnsdb*@", `defaults using "*" or "*@" are not permitted for lookup type "dnsdb*@"`},
	{"partial(.)-lsearch", `unknown lookup type "-lsearch"`},
	{"cdb", `lookup type "cdb" is not available (not in the binary - check buildtime LOOKUP configuration)`},
}

func TestParseSpecErrors(t *testing.T) {
	for _, tc := range specErrors {
		_, err := ParseSpec(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("ParseSpec(%q) error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestParseSpecErrorsAgainstExim(t *testing.T) {
	var exprs []string
	var want []string
	for _, tc := range specErrors {
		if tc.in == "cdb" {
			continue // Debian's Exim has cdb built in
		}
		exprs = append(exprs, fmt.Sprintf("${lookup{k}%s{/dev/null}}", tc.in))
		want = append(want, "Failed: "+tc.want)
	}
	got := eximBe(t, exprs...)
	for i := range exprs {
		if got[i] != want[i] {
			t.Errorf("%s: exim says %q, we say %q", exprs[i], got[i], want[i])
		}
	}
}

func TestNames(t *testing.T) {
	got := fmt.Sprint(Names())
	want := "[lsearch wildlsearch nwildlsearch iplsearch dnsdb dsearch lmdb]"
	if got != want {
		t.Errorf("Names() = %s, want %s", got, want)
	}
}
