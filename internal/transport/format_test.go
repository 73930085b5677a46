package transport

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/spool"
)

// oneByteReader hands out its data a byte at a time, so that escaping
// has to carry partial matches from one read to the next.
type oneByteReader struct{ data []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}

func message(headers []spool.HeaderLine, body string, wire, slow bool) *Message {
	h := &spool.Header{ID: "1xXtV9-0004Vg-1H", Sender: "s@example.org", Headers: headers, Wireformat: wire}
	return &Message{ID: h.ID, Header: h, Body: func() (io.ReadCloser, error) {
		if slow {
			return io.NopCloser(&oneByteReader{[]byte(body)}), nil
		}
		return io.NopCloser(bytes.NewReader([]byte(body))), nil
	}}
}

var simpleHeaders = []spool.HeaderLine{
	{Type: spool.HeaderOther, Text: "Subject: hi\n"},
	{Type: spool.HeaderOld, Text: "Bcc: hidden@example.org\n"},
	{Type: spool.HeaderOther, Text: ".Dotted: header\n"},
}

func TestWriteFormats(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		wire bool
		o    WriteOptions
		want string
	}{
		{"plain", "a\nFrom x\n", false, WriteOptions{},
			"Subject: hi\n.Dotted: header\n\na\nFrom x\n"},
		{"mbox escaping", "From start\nmid From\nFrom\nFro\n", false,
			WriteOptions{CheckString: "From ", EscapeString: ">From "},
			"Subject: hi\n.Dotted: header\n\n>From start\nmid From\nFrom\nFro\n"},
		{"smtp", ".a\n..\nb\n", false,
			WriteOptions{CRLF: true, EndDot: true, CheckString: ".", EscapeString: ".."},
			"Subject: hi\r\n.Dotted: header\r\n\r\n..a\r\n...\r\nb\r\n.\r\n"},
		{"bsmtp escapes headers", ".a\n", false,
			WriteOptions{CheckString: ".", EscapeString: "..", EscapeHeaders: true},
			"Subject: hi\n..Dotted: header\n\n..a\n"},
		{"wire body to LF", "x\r\n.y\r\nz\rq\r\n", true,
			WriteOptions{CheckString: ".", EscapeString: ".."},
			"Subject: hi\n.Dotted: header\n\nx\n..y\nz\rq\n"},
		{"wire body to CRLF", "x\r\ny\r\n", true, WriteOptions{CRLF: true, EndDot: true},
			"Subject: hi\r\n.Dotted: header\r\n\r\nx\r\ny\r\n.\r\n"},
		{"body only", "b\n", false, WriteOptions{NoHeaders: true}, "b\n"},
		{"headers only", "b\n", false, WriteOptions{NoBody: true}, "Subject: hi\n.Dotted: header\n\n"},
		{"size limit", "0123456789\n", false, WriteOptions{SizeLimit: 4, NoHeaders: true}, "0123"},
		{"prefix and suffix raw", "b\n", false, WriteOptions{NoHeaders: true, CRLF: true, Prefix: "P\n", Suffix: "S\n"},
			"P\nb\r\nS\n"},
		{"headers_remove", "b\n", false, WriteOptions{HeadersRemove: "subject:.dot*", NoBody: true}, "\n"},
		{"headers_remove needs the colon", "b\n", false, WriteOptions{HeadersRemove: "subj", NoBody: true},
			"Subject: hi\n.Dotted: header\n\n"},
		{"headers_add forced fail and empty", "b\n", false,
			WriteOptions{HeadersAdd: "${if eq{1}{2}{x}fail}\n\nX-A: 1", NoBody: true},
			"Subject: hi\n.Dotted: header\nX-A: 1\n\n"},
	} {
		for _, slow := range []bool{false, true} {
			msg := message(simpleHeaders, tc.body, tc.wire, slow)
			o := tc.o
			o.Ctx = &expand.Context{}
			got, _ := write(t, msg, &o)
			if got != tc.want {
				t.Errorf("%s (slow %v): got %q, want %q", tc.name, slow, got, tc.want)
			}
		}
	}
}

func TestWriteHeaderExpansionFailure(t *testing.T) {
	msg := message(simpleHeaders, "b\n", false, false)
	for _, o := range []WriteOptions{{HeadersAdd: "${bad"}, {HeadersRemove: "${bad"}} {
		_, err := WriteMessage(io.Discard, msg, &o)
		var he *HeaderError
		if !errors.As(err, &he) || he.Msg == "" {
			t.Errorf("%+v: got %v, want a HeaderError", o, err)
		}
	}
}

func TestWriteBodyError(t *testing.T) {
	msg := message(simpleHeaders, "", false, false)
	msg.Body = func() (io.ReadCloser, error) { return nil, errors.New("gone") }
	_, err := WriteMessage(io.Discard, msg, &WriteOptions{})
	var be *BodyError
	if !errors.As(err, &be) {
		t.Errorf("got %v, want a BodyError", err)
	}
}

func TestEnvelopeTo(t *testing.T) {
	a, b := item.New("a@x"), item.New("b@x")
	c := a.Child("c@y")
	d := b.Child("c@y")
	e := item.New("e@x")
	dups := func(x *item.Address) []*item.Address {
		if x == c {
			return []*item.Address{d}
		}
		return nil
	}
	if got := envelopeTo([]*item.Address{c, a, e}, dups); got != "b@x,\n a@x,\n e@x" {
		t.Errorf("got %q", got)
	}
	if got := envelopeTo([]*item.Address{c}, nil); got != "a@x" {
		t.Errorf("got %q", got)
	}
}

func TestStringIntegerForSizes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		msg  string
	}{
		{"100", 100, ""}, {" 2K ", 2048, ""}, {"1m", 1 << 20, ""}, {"  ", 0, ""}, {"-0", 0, ""},
		{"", 0, `integer expected but "" found`}, // as Exim 4.96 defers message_size_limit = ${if eq{1}{1}{}{}}
		{"x", 0, `integer expected but "x" found`},
		{"-1", 0, `non-negative integer expected but "-1" found`},
		{"5q", 0, `invalid integer "5q"`},
	} {
		v, err := expand.StringInteger(tc.in, true)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if v != tc.want || msg != tc.msg {
			t.Errorf("%q: %d %q", tc.in, v, msg)
		}
	}
}

func BenchmarkWriteMessage(b *testing.B) {
	body := bytes.Repeat([]byte("a line of a message body, From here and . there\n"), 20000) // ~1 MB
	msg := message(simpleHeaders, string(body), false, false)
	o := &WriteOptions{CRLF: true, EndDot: true, CheckString: ".", EscapeString: ".."}
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		if _, err := WriteMessage(io.Discard, msg, o); err != nil {
			b.Fatal(err)
		}
	}
}
