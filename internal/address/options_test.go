package address

import (
	"strings"
	"testing"
)

// TestOptions: answers of exim 4.96 -bt and ${address:} with
// strip_excess_angle_brackets, strip_trailing_dot and allow_utf8_domains
// all set (and the same inputs with the defaults, where they differ).
func TestOptions(t *testing.T) {
	all := Options{StripExcessAngleBrackets: true, StripTrailingDot: true, AllowUTF8Domains: true}
	lit := Options{AllowDomainLiterals: true}
	tests := []struct {
		opts    Options
		in      string
		address string
		err     string
	}{
		{all, "<<a@b>>", "a@b", ""},
		{Options{}, "<<a@b>>", "", "missing or malformed local part"},
		{all, "<<<<<<a@b>>>>>>", "a@b", ""},
		{all, "<<<<<<<a@b>>>>>>>", "", "angle-brackets nested too deep"},
		{all, "<<a@b>", "", "'>' missing at end of address"},
		{all, "a@b.", "a@b", ""},
		{Options{}, "a@b.", "", "domain missing or malformed"},
		{all, "a@b..", "", "domain missing or malformed"},
		{all, "a@.", "", "domain missing or malformed"},
		{all, "<a@b.>", "a@b", ""},
		{all, "a@b.c. (x)", "a@b.c", ""},
		{all, "a@b\xc3\xbc.com", "a@b\xc3\xbc.com", ""},
		{Options{}, "a@b\xc3\xbc.com", "", "malformed address: \xc3\xbc.com may not follow a@b"},
		{all, "a@b\xc3", "", "invalid UTF-8 byte sequence"},
		{all, "a@b\xc3x", "", "invalid UTF-8 byte sequence"},
		{all, "a@\xffb", "", "invalid UTF-8 byte sequence"},
		{Options{AllowNull: true}, "<>", "", ""},
		{Options{AllowNull: true}, "Name <>", "", ""},
		{Options{AllowNull: true}, "<@r:>", "", "missing or malformed local part"},
		{Options{}, "<>", "", "missing or malformed local part"},
		// allow_domain_literals (checked with it set in the configuration)
		{lit, "a@[1.2.3.4x]", "a@[1.2.3.4x]", ""},
		{lit, "a@[hello world]", "", "malformed domain literal"},
		{lit, "<a@[1.2.3.4x]>", "", "malformed domain literal"},
		{lit, "<a@[1.2.3.4]>", "a@[1.2.3.4]", ""},
		{Options{}, "<a@[1.2.3.4]>", "", "domain literals not allowed"},
		{lit, "<a@[ 1.2.3.4 ]>", "", "malformed domain literal"},
		{lit, "@[1.2.3.4]:a@b", "a@b", ""},
		{lit, "a@[1.2.3.4", "", "malformed domain literal"},
	}
	for _, tt := range tests {
		p, err := tt.opts.Extract(tt.in)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if p.Address != tt.address || msg != tt.err {
			t.Errorf("%+v.Extract(%q) = %q, %q; want %q, %q", tt.opts, tt.in, p.Address, msg, tt.address, tt.err)
		}
	}
}

func TestExtractAtOffsets(t *testing.T) {
	tests := []struct {
		in         string
		start, end int
	}{
		{"a@b", 0, 3},
		{"  a@b  ", 2, 5},
		{"Name <a@b>", 6, 9},
		{"Name < a@b > (c)", 6, 10}, // start is just after "<", as in Exim
		{"(c) a@b (d)", 4, 7},
		{"local (c)", 0, 5},
		{"<@r:a@b>", 1, 7},
	}
	for _, tt := range tests {
		_, start, end, err := Options{}.ExtractAt(tt.in)
		if err != nil || start != tt.start || end != tt.end {
			t.Errorf("ExtractAt(%q) = %d, %d, %v; want %d, %d", tt.in, start, end, err, tt.start, tt.end)
		}
	}
}

func TestLengthLimit(t *testing.T) {
	lp := strings.Repeat("x", MaxLength-2)
	if _, err := Extract(lp + "@b"); err != nil {
		t.Errorf("%d-byte address refused: %v", MaxLength, err)
	}
	if _, err := Extract("N <" + lp + "@b> (comment)"); err != nil {
		t.Errorf("%d-byte address with a phrase refused: %v", MaxLength, err)
	}
	// The limit is on the text's extent: an inner comment counts (exim
	// 4.96 refuses this 274-byte span holding a 252-byte address).
	if _, err := Extract(strings.Repeat("x", 250) + "(cccccccccccccccccccc)@b"); err == nil {
		t.Error("over-long span accepted")
	}
	_, err := Extract(lp + "@bc")
	want := "address is ridiculously long: " + strings.Repeat("x", 64) + "..."
	if err == nil || err.Error() != want {
		t.Errorf("%d-byte address: %v, want %q", MaxLength+1, err, want)
	}
}

func TestNULEndsText(t *testing.T) {
	p, err := Extract("a@b\x00 junk")
	if err != nil || p.Address != "a@b" {
		t.Errorf("got %+v, %v", p, err)
	}
}

func TestExtractAll(t *testing.T) {
	list := "g: a@b, bad address, <c@d>; e@f"
	items := Options{}.ExtractAll(list)
	if len(items) != 3 {
		t.Fatalf("%d items: %+v", len(items), items)
	}
	if items[0].Address != "a@b" || list[items[0].Start:items[0].End] != "a@b" {
		t.Errorf("item 0: %+v", items[0])
	}
	if items[1].Err == nil || items[1].Err.Error() != `missing or malformed local part (expected word or "<")` {
		t.Errorf("item 1: %+v", items[1])
	}
	if items[2].Address != "c@d" || list[items[2].Start:items[2].End] != "c@d" {
		t.Errorf("item 2: %+v", items[2])
	}
}

func TestFindEnd(t *testing.T) {
	tests := []struct {
		in     string
		nlEnds bool
		want   int
	}{
		{"a@b, c", false, 3},
		{`"a,b"@c, d`, false, 7},
		{"a (x,y) b, c", false, 9},
		{"<@r1,@r2:a@b>, c", false, 13},
		{"@r1,@r2:a@b, c", false, 11},
		{"a\\,b, c", false, 4},
		{"a\nb, c", true, 1},
		{"a\nb, c", false, 3},
		{"abc", false, 3},
	}
	for _, tt := range tests {
		if got := FindEnd(tt.in, tt.nlEnds); got != tt.want {
			t.Errorf("FindEnd(%q, %v) = %d, want %d", tt.in, tt.nlEnds, got, tt.want)
		}
	}
}
