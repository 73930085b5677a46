package mime

import (
	"strings"
	"testing"
)

// partFromHeaders reads header lines (LF ends) into a part.
func partFromHeaders(t *testing.T, headers string) *Part {
	t.Helper()
	s := newStream(strings.NewReader(headers + "\n\n"))
	p := &Part{}
	for {
		h, more := readHeader(s)
		if !more {
			break
		}
		p.addHeader(string(h))
	}
	return p
}

// Expected values are what Exim 4.96 (Debian) gave for the same lines.
func TestHeaderParameters(t *testing.T) {
	cases := []struct {
		headers                      string
		ctype, disp, filename, chset string
	}{
		{"Content-Type: text/plain\nContent-Disposition: attachment; filename=\"a;b (1).txt\"",
			"text/plain", "attachment", "a;b.txt", ""},
		{"Content-Disposition: attachment; filename*=utf-8''%E2%82%AC%20rates.txt",
			"", "attachment", "\u20ac rates.txt", ""},
		{"Content-Disposition: attachment; filename*=us-ascii'en-us'This%20is.txt",
			"", "attachment", "en-us'This is.txt", ""},
		{"Content-Disposition: attachment; filename*0*=utf-8''part1; filename*1*=%20part2.txt",
			"", "attachment", "part1 part2.txt", ""},
		{"Content-Disposition: attachment; filename*0=\"noq\"; filename*1=\"rest.txt\"",
			"", "attachment", "noqrest.txt", ""},
		{"Content-Type: text/plain; name=\"=?utf-8?B?w6R0LmV4ZQ==?=\"",
			"text/plain", "", "\u00e4t.exe", ""},
		{"Content-Type: Application/Octet-Stream (a comment) ; NAME = \"spaced name.exe\" ; charset=\"UTF-8\"\n" +
			"Content-Disposition: attachment;\n\tfilename=\"folded\n name.bin\"",
			"application/octet-stream", "attachment", "foldedname.bin", "UTF-8"},
		{"Content-Type: text/plain; name=\"first.txt\"\nContent-Disposition: attachment; filename=\"\"",
			"text/plain", "attachment", "", ""},
		{"Content-Disposition: attachment; filename*=utf-8''a b.txt",
			"", "attachment", "utf-8''a b.txt", ""},
		{"Content-Disposition: attachment; filename*x=abc; names=zz; namefilename=sneaky.exe",
			"", "attachment", "sneaky.exe", ""},
		{"Content-Type: text/plain; charset=us-ascii (Plain text)\nContent-Type: text/html",
			"text/html", "", "", "us-ascii (Plain text)"},
	}
	for _, c := range cases {
		p := partFromHeaders(t, c.headers)
		if p.ContentType != c.ctype || p.ContentDisposition != c.disp || p.Filename != c.filename || p.Charset != c.chset {
			t.Errorf("%q:\n got type %q disposition %q filename %q charset %q\nwant type %q disposition %q filename %q charset %q",
				c.headers, p.ContentType, p.ContentDisposition, p.Filename, p.Charset,
				c.ctype, c.disp, c.filename, c.chset)
		}
	}
}

func TestReadHeaderStopsAtEOF(t *testing.T) {
	// A header line at the very end of the file, without the blank line,
	// is dropped as Exim drops it.
	s := newStream(strings.NewReader("Content-Type: text/plain\nContent-ID: <x>\n"))
	h, more := readHeader(s)
	if !more || string(h) != "Content-Type:text/plain;" {
		t.Fatalf("first line %q %v", h, more)
	}
	if h, more = readHeader(s); more {
		t.Fatalf("last line %q taken", h)
	}
}

func TestDecode2047(t *testing.T) {
	cases := []struct{ in, want string }{
		{"=?iso-8859-1?q?caf=e9?= =?utf-8?q?_end?=.txt", "caf\xe9 end.txt"},
		{"plain", "plain"},
		{"=?utf-8?q?a b?=", "=?utf-8?q?a b?="}, // blank in Q text: not a word
		{"x =?utf-8?b?QQ==?= y", "x A y"},      // blanks kept around a single word
		{"=?utf-8?b?QQ?=", "=?utf-8?b?QQ?="},   // unpadded base64 is malformed
		{"=?utf-8?b?AA==?=", " "},              // a zero byte becomes the replacement
		{"=?x?q?" + strings.Repeat("a", 70) + "?=", "=?x?q?" + strings.Repeat("a", 70) + "?="},
	}
	for _, c := range cases {
		if got := decode2047(c.in, true, ' '); got != c.want {
			t.Errorf("decode2047(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
