package lmtp

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets the test binary be an LMTP server on its standard input
// and output (for the command option): it records the dialogue in the
// file $LMTP_SERVER_RECORD.
func TestMain(m *testing.M) {
	if rec := os.Getenv("LMTP_SERVER_RECORD"); rec != "" {
		var b bytes.Buffer
		serveLMTP(os.Stdin, os.Stdout, script{greeting: "220 ready", data: []string{"250 ok one", "550 5.7.1 refused after data"}}, &b)
		os.WriteFile(rec, b.Bytes(), 0o600)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// script says how the fake LMTP server answers.
type script struct {
	greeting string            // "" closes at once
	replies  map[string]string // by command word or "RCPT:<address>"; "close" closes
	data     []string          // one reply per accepted recipient; "close" closes
	stall    bool              // say nothing for a while
}

// server is a fake LMTP server on a Unix socket that records what it is
// sent, connection by connection.
type server struct {
	ln  net.Listener
	s   script
	mu  sync.Mutex
	got []string
	wg  sync.WaitGroup
}

func startServer(t *testing.T, path string, s script) *server {
	t.Helper()
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o777)
	srv := &server{ln: ln, s: s}
	srv.wg.Add(1)
	go srv.accept()
	t.Cleanup(func() { ln.Close(); srv.wg.Wait() })
	return srv
}

func (srv *server) accept() {
	defer srv.wg.Done()
	for {
		c, err := srv.ln.Accept()
		if err != nil {
			return
		}
		srv.wg.Add(1)
		go func() {
			defer srv.wg.Done()
			var rec bytes.Buffer
			srv.serve(c, &rec)
			c.Close()
			srv.mu.Lock()
			srv.got = append(srv.got, rec.String())
			srv.mu.Unlock()
		}()
	}
}

// transcripts returns the dialogues once n have ended (or after a few
// seconds).
func (srv *server) transcripts(n int) []string {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		srv.mu.Lock()
		got := append([]string(nil), srv.got...)
		srv.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
	}
}

func (srv *server) serve(c net.Conn, rec *bytes.Buffer) { serveLMTP(c, c, srv.s, rec) }

func serveLMTP(in io.Reader, out io.Writer, s script, rec *bytes.Buffer) {
	if s.stall {
		time.Sleep(3 * time.Second)
		return
	}
	if s.greeting == "" {
		return
	}
	w := bufio.NewWriter(out)
	say := func(r string) { w.WriteString(strings.ReplaceAll(r, "\n", "\r\n") + "\r\n"); w.Flush() }
	say(s.greeting)
	r := bufio.NewReader(in)
	accepted := 0
	for {
		line, err := r.ReadString('\n')
		rec.WriteString(line)
		if err != nil {
			return
		}
		cmd := strings.TrimRight(line, "\r\n")
		word, _, _ := strings.Cut(cmd, " ")
		key := strings.ToUpper(word)
		if key == "RCPT" {
			addr := cmd[strings.Index(cmd, "<")+1 : strings.Index(cmd, ">")]
			if reply, ok := s.replies["RCPT:"+addr]; ok {
				if reply == "close" {
					return
				}
				say(reply)
				if reply[0] == '2' {
					accepted++
				}
				continue
			}
			accepted++
			say("250 2.1.5 ok")
			continue
		}
		reply, ok := s.replies[key]
		if !ok {
			reply = map[string]string{"LHLO": "250-test\n250 PIPELINING", "MAIL": "250 2.1.0 ok", "DATA": "354 go ahead", "QUIT": "221 bye"}[key]
		}
		if reply == "close" {
			return
		}
		say(reply)
		if key == "QUIT" {
			return
		}
		if key == "DATA" && reply[0] == '3' {
			for {
				l, err := r.ReadString('\n')
				rec.WriteString(l)
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			for i := 0; i < accepted; i++ {
				d := "250 2.0.0 delivered"
				if i < len(s.data) {
					d = s.data[i]
				}
				if d == "close" {
					return
				}
				say(d)
			}
		}
	}
}
