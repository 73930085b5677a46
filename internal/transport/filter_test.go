package transport

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"exigo/internal/spool"
)

// textMessage is a message with the given header lines and body.
func textMessage(headers []string, body string) *Message {
	h := &spool.Header{ID: "1xXuHt-0003aG-0K"}
	for _, l := range headers {
		h.Headers = append(h.Headers, spool.HeaderLine{Text: l + "\n"})
	}
	return &Message{ID: h.ID, Header: h, Body: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(body)), nil
	}}
}

func filtered(t *testing.T, o *WriteOptions, argv ...string) (string, error) {
	t.Helper()
	msg := textMessage([]string{"Subject: hello", "From: a@b"}, "From here\n.dot\nlast\n")
	if o.Filter == nil {
		o.Filter = &Filter{Argv: argv, Timeout: 5 * time.Second}
	}
	var b bytes.Buffer
	n, err := WriteMessage(&b, msg, o)
	if err == nil && n.Bytes != int64(b.Len()) {
		t.Errorf("counted %d bytes, wrote %d", n.Bytes, b.Len())
	}
	return b.String(), err
}

// The filter sees LF lines without escaping; its output gets the CRLF,
// escaping (not on its first line) and end dot.
func TestFilterFormatsOutput(t *testing.T) {
	got, err := filtered(t, &WriteOptions{CheckString: "From ", EscapeString: ">From ",
		Prefix: "From sender DATE\n", Suffix: "\n"}, "/usr/bin/sed", "s/^Subject: /From /")
	if err != nil {
		t.Fatal(err)
	}
	want := "From sender DATE\nFrom hello\nFrom: a@b\n\n>From here\n.dot\nlast\n\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	got, err = filtered(t, &WriteOptions{CRLF: true, EndDot: true, CheckString: ".", EscapeString: ".."},
		"/usr/bin/tr", "a-z", "A-Z")
	if err != nil {
		t.Fatal(err)
	}
	want = "SUBJECT: HELLO\r\nFROM: A@B\r\n\r\nFROM HERE\r\n..DOT\r\nLAST\r\n.\r\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// SMTP output always ends with a newline before the dot.
func TestFilterNoFinalNewline(t *testing.T) {
	// The filter reads all its input first: one that did not could see
	// its writer fail with EPIPE, in Exim as here.
	got, err := filtered(t, &WriteOptions{CRLF: true, EndDot: true}, "/bin/sh", "-c", `cat >/dev/null; printf 'X: y\n\nno newline'`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "X: y\r\n\r\nno newline\r\n.\r\n"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestFilterFailures(t *testing.T) {
	for _, c := range []struct {
		argv []string
		want string
	}{
		{[]string{"/bin/false"}, "transport filter process failed (1)"},
		{[]string{"/nonexistent/filter"}, "transport filter process failed (127): unable to execute command"},
		{[]string{"cat"}, "transport filter process failed (127): unable to execute command"},
		{[]string{"/bin/sh", "-c", "kill -9 $$"}, "transport filter process failed (-9)"},
	} {
		_, err := filtered(t, &WriteOptions{}, c.argv...)
		var fe *FilterError
		if !errors.As(err, &fe) || err.Error() != c.want {
			t.Errorf("%v: %v, want %q", c.argv, err, c.want)
		}
	}
}

func TestFilterTimeout(t *testing.T) {
	start := time.Now()
	_, err := filtered(t, &WriteOptions{Filter: &Filter{Argv: []string{"/bin/sleep", "10"}, Timeout: 200 * time.Millisecond}})
	if !errors.Is(err, syscall.ETIMEDOUT) || !errors.As(err, new(FilterTimeout)) {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// An empty first argument means no filter.
func TestFilterEmptyCommand(t *testing.T) {
	got, err := filtered(t, &WriteOptions{}, "")
	if err != nil || !strings.HasPrefix(got, "Subject: hello\n") {
		t.Errorf("%q %v", got, err)
	}
}
