package smtpd

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// readAll runs the DATA reader over input and returns the headers, the
// stored body and what is left unread.
func readAll(t *testing.T, input string) (headers []string, body, rest string) {
	t.Helper()
	src := bufio.NewReader(strings.NewReader(input))
	m := &msgReader{src: src, dotEnds: true, headerMax: 1 << 20}
	hres, err := m.readHeaders()
	if err != nil {
		t.Fatalf("%q: headers: %v", input, err)
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	if err := m.copyBody(hres.firstBody, w, hres.midLine); err != nil {
		t.Fatalf("%q: body: %v", input, err)
	}
	w.Flush()
	left, _ := src.Peek(src.Buffered())
	return hres.headers, buf.String(), string(left)
}

func TestDataEndsOnlyAtCRLFDotCRLF(t *testing.T) {
	const next = "MAIL FROM:<x@y>\r\n"
	cases := []struct{ name, in, body, rest string }{
		{"plain", "Subject: a\r\n\r\nbody\r\n.\r\n" + next, "body\n", next},
		{"dot-stuffed", "S: a\r\n\r\n..dot\r\n.\r\n", ".dot\n", ""},
		{"LF dot CRLF is data", "S: a\r\n\r\nx\n.\r\nmore\r\n.\r\n", "x\n.\nmore\n", ""},
		{"CRLF dot LF is data", "S: a\r\n\r\nx\r\n.\nmore\r\n.\r\n", "x\n\nmore\n", ""},
		{"LF dot LF is data", "S: a\r\n\r\nx\n.\nmore\r\n.\r\n", "x\n.\nmore\n", ""},
		{"CR dot CR LF is data", "S: a\r\n\r\nx\r.\r\nmore\r\n.\r\n", "x\n.\nmore\n", ""},
		{"bare CR ends a body line", "S: a\r\n\r\na\rb\r\n.\r\n", "a\nb\n", ""},
		{"LF-only client", "S: a\n\nx\n.\n" + next, "x\n", next},
	}
	for _, c := range cases {
		_, body, rest := readAll(t, c.in)
		if body != c.body || rest != c.rest {
			t.Errorf("%s: body %q rest %q; want %q %q", c.name, body, rest, c.body, c.rest)
		}
	}
}

func TestDataHeaders(t *testing.T) {
	h, body, _ := readAll(t, "Subject: one\r\n two\r\nX-A:b\r\nnot a header\r\nrest\r\n.\r\n")
	if len(h) != 2 || h[0] != "Subject: one\n two\n" || h[1] != "X-A:b\n" {
		t.Fatalf("headers %q", h)
	}
	if body != "not a header\nrest\n" {
		t.Fatalf("body %q", body)
	}
	// A bare LF inside CRLF headers continues the header line.
	h, _, _ = readAll(t, "X: 1\r\nSubject: a\nb\r\n\r\n.\r\n")
	if len(h) != 2 || h[1] != "Subject: a\n b\n" {
		t.Fatalf("bare LF in headers: %q", h)
	}
}

func FuzzDataNeverEndsEarly(f *testing.F) {
	f.Add("x\n.\r\ny")
	f.Add("x\r\n.\ny")
	f.Add("\r.\r\n")
	f.Fuzz(func(t *testing.T, payload string) {
		// Whatever the payload, a CRLF client's message ends at the first
		// CRLF "." CRLF: never before it.
		if strings.Contains("\r\n"+payload+"\r\n.\r\n", "\r\n.\r\n.\r\n") ||
			strings.Contains("\r\n"+payload+"\r\n", "\r\n.\r\n") {
			return // the payload holds a real end of data
		}
		in := "S: a\r\n\r\nstart\r\n" + payload + "\r\n.\r\nMARK"
		src := bufio.NewReader(strings.NewReader(in))
		m := &msgReader{src: src, dotEnds: true, headerMax: 1 << 20}
		hres, err := m.readHeaders()
		if err != nil {
			return
		}
		if err := m.copyBody(hres.firstBody, nil, hres.midLine); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		left, _ := src.Peek(src.Buffered())
		if string(left) != "MARK" {
			t.Fatalf("%q: ended early, left %q", in, left)
		}
	})
}
