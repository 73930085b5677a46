package smtpclient

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"exigo/internal/item"
	"exigo/internal/syserr"
)

// pipe gives a Conn and the server end, which replies with text.
func pipe(t *testing.T, text string) (*Conn, net.Conn) {
	t.Helper()
	cl, srv := net.Pipe()
	t.Cleanup(func() { cl.Close(); srv.Close() })
	go func() {
		io.WriteString(srv, text)
	}()
	return New(cl), srv
}

func TestReadResponse(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      error
	}{
		{"250 OK\r\n", "250 OK", nil},
		{"250-one\r\n250-two \r\n250 three\r\n", "250-one\n250-two\n250 three", nil},
		{"250 bare LF\n", "250 bare LF", nil},
		{"250\r\n", "250", nil},
		{"hello\r\n", "hello", ErrFormat},
		{"25x OK\r\n", "25x OK", ErrFormat},
		{"250_OK\r\n", "250_OK", ErrFormat},
		{"250-one\r\n", "250-one\n", ErrClosed},
		{"", "", ErrClosed},
	} {
		c, srv := pipe(t, tc.in)
		go func() { time.Sleep(50 * time.Millisecond); srv.Close() }()
		got, err := c.ReadResponse(time.Second)
		if got != tc.want || err != tc.err {
			t.Errorf("%q: got %q %v, want %q %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestLongLineIsMalformed(t *testing.T) {
	c, _ := pipe(t, "250 "+strings.Repeat("x", BufferSize)+"\r\n")
	got, err := c.ReadResponse(time.Second)
	if err != ErrFormat || len(got) != BufferSize-3 {
		t.Errorf("%d bytes, %v", len(got), err)
	}
	if Errno(err) != item.ErrnoSMTPFormat {
		t.Errorf("errno %d", Errno(err))
	}
}

func TestTimeout(t *testing.T) {
	c, _ := pipe(t, "")
	_, err := c.ReadResponse(20 * time.Millisecond)
	if Errno(err) != 110 {
		t.Errorf("%v: errno %d", err, Errno(err))
	}
}

func TestCommandBuffering(t *testing.T) {
	cl, srv := net.Pipe()
	defer cl.Close()
	c := New(cl)
	got := make(chan string)
	go func() {
		b := make([]byte, 1000)
		n, _ := srv.Read(b)
		got <- string(b[:n])
	}()
	for _, l := range []string{"MAIL FROM:<a@b>", "RCPT TO:<c@d>"} {
		if n, err := c.Command(Buffer, l); n != 0 || err != nil {
			t.Fatalf("buffered command sent: %d %v", n, err)
		}
	}
	n, err := c.Command(Flush, "DATA")
	if n != 3 || err != nil {
		t.Fatalf("flush: %d %v", n, err)
	}
	if s := <-got; s != "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n" {
		t.Errorf("one write held %q", s)
	}
	if c.LastCommand != "DATA" {
		t.Errorf("last command %q", c.LastCommand)
	}
}

func TestFullBufferFlushesFirst(t *testing.T) {
	cl, srv := net.Pipe()
	defer cl.Close()
	go io.Copy(io.Discard, srv)
	c := New(cl)
	long := "RCPT TO:<" + strings.Repeat("a", 2100) + "@x>"
	c.Command(Buffer, long)
	if n, _ := c.Command(Buffer, long); n != 1 {
		t.Errorf("the first command should have gone out: %d", n)
	}
}

func TestAuthHidden(t *testing.T) {
	c := &Conn{Authenticating: true}
	if got := c.hideAuth("AUTH PLAIN AHVzZXIAcGFzcw=="); got != "AUTH PLAIN ****************" {
		t.Errorf("%q", got)
	}
	if got := c.hideAuth("dXNlcg=="); got != "********" {
		t.Errorf("%q", got)
	}
}

func TestStrerror(t *testing.T) {
	if s := syserr.Number(111); s != "Connection refused" {
		t.Errorf("%q", s)
	}
}

func TestQuiet(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, then := range []string{"nothing", "talk", "close"} {
		srvc := make(chan net.Conn)
		go func() { c, _ := ln.Accept(); srvc <- c }()
		cl, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		srv := <-srvc
		switch then {
		case "talk":
			io.WriteString(srv, "421 idle too long\r\n")
		case "close":
			srv.Close()
		}
		time.Sleep(20 * time.Millisecond)
		if q := New(cl).Quiet(); q != (then == "nothing") {
			t.Errorf("%s: quiet %v", then, q)
		}
		cl.Close()
		srv.Close()
	}
}
