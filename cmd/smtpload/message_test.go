package main

import (
	"bytes"
	"testing"
	"time"
)

func TestDotStuff(t *testing.T) {
	for in, want := range map[string]string{
		".\r\n":              "..\r\n",
		"a\r\n.b\r\n..c\r\n": "a\r\n..b\r\n...c\r\n",
		"x.y\r\n":            "x.y\r\n",
		"no final newline":   "no final newline\r\n",
		"":                   "",
		"a\r\n.\r\nb\r\n":    "a\r\n..\r\nb\r\n",
		".start\r\nmid.\r\n": "..start\r\nmid.\r\n",
	} {
		if got := string(dotStuff([]byte(in))); got != want {
			t.Errorf("dotStuff(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMakeBodySizesAndLines(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 77, 78, 79, 80, 156, 157, 4000} {
		b := makeBody(n)
		want := n
		if n == 1 {
			want = 0
		}
		if len(b) != want {
			t.Errorf("makeBody(%d) has %d bytes", n, len(b))
		}
		for _, line := range bytes.SplitAfter(b, []byte("\r\n")) {
			if len(line) > 0 && (len(line) > lineChars+3 || !bytes.HasSuffix(line, []byte("\r\n"))) {
				t.Errorf("makeBody(%d): bad line %q", n, line)
			}
		}
	}
	if !bytes.Contains(makeBody(2000), []byte("\r\n.")) {
		t.Error("no dot line in a 2000-byte body")
	}
}

func TestMessageSize(t *testing.T) {
	c := config{from: "a@b", rcpts: []string{"x@y", "z@y"}, ehlo: "h", size: 4096}
	m := newMessage(c, time.Unix(1700000000, 0))
	for _, seq := range []int64{0, 7, 123456} {
		if got := len(m.raw(seq)); got != 4096 {
			t.Errorf("message %d is %d bytes", seq, got)
		}
	}
	if !bytes.Equal(dotStuff(m.raw(3)), append([]byte(m.header(3)), m.stuffedBody...)) {
		t.Error("stuffed body differs from stuffing the whole message")
	}
}

func TestParseReplyLine(t *testing.T) {
	for _, tc := range []struct {
		in       string
		code     int
		text     string
		more, ok bool
	}{
		{"250-PIPELINING", 250, "PIPELINING", true, true},
		{"250 OK", 250, "OK", false, true},
		{"354", 354, "", false, true},
		{"25", 0, "", false, false},
		{"2x0 OK", 0, "", false, false},
		{"250_OK", 0, "", false, false},
	} {
		code, text, more, ok := parseReplyLine(tc.in)
		if code != tc.code || text != tc.text || more != tc.more || ok != tc.ok {
			t.Errorf("%q: %d %q %v %v", tc.in, code, text, more, ok)
		}
	}
}
