package expand

import (
	"strings"
	"testing"
)

// testMessage is the header section of the message Exim was given with
// -bem to record the expectations below.
var testMessage = fakeHeaders{
	"from":     {" Alice <alice@example.org>\n"},
	"to":       {" bob@example.com,\n  carol@example.com\n", " dave@example.net\n"},
	"subject":  {" =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from  =?iso-8859-1?q?J=F6rg?=\n"},
	"x-multi":  {" first\n", " second: with colon\n"},
	"x-empty":  {"\n"},
	"reply-to": {"   replies@example.org  \n"},
	"x-tab":    {"\ttabbed value   \n"},
}

// Expected values recorded from exim -bem with the same message.
func TestHeaderVariables(t *testing.T) {
	c := &Context{Headers: testMessage}
	tests := []struct{ in, want string }{
		{"$h_subject:", "Gr\u00fc\u00dfe from  J\u00f6rg"},
		{"$bh_subject:", "Gr\u00fc\u00dfe from  J\xf6rg"},
		{"$rh_subject:", " =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from  =?iso-8859-1?q?J=F6rg?=\n"},
		{"[$h_to:]", "[bob@example.com,\n  carol@example.com,\ndave@example.net]"},
		{"[$rh_to:]", "[ bob@example.com,\n  carol@example.com\n dave@example.net\n]"},
		{"[$lh_to:]", "[ bob@example.com,\n  carol@example.com: dave@example.net]"},
		{"[$h_x-multi:]", "[first\nsecond: with colon]"},
		{"[$lh_x-multi:]", "[ first: second:: with colon]"},
		{"[$rh_x-multi:]", "[ first\n second: with colon\n]"},
		{"[$h_x-empty:]", "[]"},
		{"${if def:h_x-empty:{y}{n}}", "y"},
		{"${if def:h_x-none:{y}{n}}", "n"},
		{"[$h_reply-to:]", "[replies@example.org]"},
		{"[$reply_address]", "[replies@example.org]"},
		{"[$h_x-tab:]", "[tabbed value]"},
		{"[$header_X-TAB:]", "[tabbed value]"},
		{"[$h_x-tab]", "["},
		{"[$h_From:]", "[Alice <alice@example.org>]"},
		{"[$h_from:x]", "[Alice <alice@example.org>x]"},
		{"${if def:h_from {y}{n}}", "y"},
		{"$h_from: ${h_from:}", `Failed: non-digit after underscore in "h_from"`},
		{"[${rh_subject:}]", `Failed: unknown expansion operator "rh_subject"`},
		{"[$h_nosuch:]", "[]"},
	}
	for _, tt := range tests {
		if got := result(c, tt.in); got != tt.want {
			t.Errorf("%q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHeadersTainted(t *testing.T) {
	c := &Context{Headers: testMessage}
	if _, tainted, err := c.ExpandTaint("x $h_from: y"); err != nil || !tainted {
		t.Fatalf("header value not tainted (err %v)", err)
	}
}

func TestHeadersWithoutMessage(t *testing.T) {
	c := &Context{}
	for _, in := range []string{"$h_subject:", "$rh_subject:", "$bh_subject:", "$lh_subject:", "$reply_address"} {
		if got := result(c, in); got != "" {
			t.Errorf("%q without a message = %q, want empty", in, got)
		}
	}
}

// result is the expansion, or "Failed: " and the error, as exim -be prints.
func result(c *Context, s string) string {
	v, err := c.Expand(s)
	if err != nil {
		return "Failed: " + err.Error()
	}
	return v
}

// allHeaders adds the whole header lines for $message_headers.
type allHeaders struct {
	fakeHeaders
	lines []string
}

func (a allHeaders) AllHeaders() []string { return a.lines }

func TestMessageHeaders(t *testing.T) {
	h := allHeaders{testMessage, []string{"From: Alice <alice@example.org>\n", "To: bob@example.com,\n  carol@example.com\n", "Subject: =?iso-8859-1?q?J=F6rg?=\n"}}
	c := &Context{Headers: h}
	if got, want := result(c, "$message_headers"), "From: Alice <alice@example.org>\nTo: bob@example.com,\n  carol@example.com\nSubject: J\xf6rg"; got != want {
		t.Errorf("$message_headers = %q, want %q", got, want)
	}
	if got, want := result(c, "$message_headers_raw"), strings.Join(h.lines, ""); got != want {
		t.Errorf("$message_headers_raw = %q, want %q", got, want)
	}
	if got := result(&Context{Headers: testMessage}, "[$message_headers]"); got != "[]" {
		t.Errorf("without AllHeaders: %q", got)
	}
}
