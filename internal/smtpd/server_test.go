package smtpd

import (
	"bufio"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"exigo/internal/acl"
	"exigo/internal/conf"
	"exigo/internal/eximlog"
	"exigo/internal/spool"
)

func newTestServer(t *testing.T, cfgText string) *Server {
	t.Helper()
	dir := t.TempDir()
	cfg, err := conf.Parse("test.conf", "spool_directory = "+dir+"\n"+cfgText, nil)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := eximlog.New(eximlog.Config{FilePath: filepath.Join(dir, "log", "%slog"), SpoolDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spool.Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	return &Server{Config: cfg, Log: lg, Spool: sp, IDs: spool.NewIDGen(4242, -1), ACLCache: acl.NewCache()}
}

// converse runs one SMTP client over c: commands in order, each reply
// checked against its expected prefix.
func converse(c net.Conn, steps [][2]string) error {
	r := bufio.NewReader(c)
	read := func() (string, error) {
		var last string
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return "", err
			}
			last = l
			if len(l) < 4 || l[3] != '-' {
				return last, nil
			}
		}
	}
	if l, err := read(); err != nil || !strings.HasPrefix(l, "220") {
		return fmt.Errorf("banner %q %v", l, err)
	}
	for _, st := range steps {
		fmt.Fprintf(c, "%s\r\n", st[0])
		l, err := read()
		if err != nil || !strings.HasPrefix(l, st[1]) {
			return fmt.Errorf("%q: got %q %v, want %q", st[0], l, err, st[1])
		}
	}
	return nil
}

// Many sessions at once share the server, the spool's commit batches and
// the logs (run with -race).
func TestConcurrentSessions(t *testing.T) {
	srv := newTestServer(t, "primary_hostname = test.example\nacl_smtp_rcpt = accept\n")
	const sessions, perSession = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, sessions)
	for i := 0; i < sessions; i++ {
		client, server := net.Pipe()
		wg.Add(2)
		go func() {
			defer wg.Done()
			srv.Serve(Peer{In: server, Out: server})
			server.Close()
		}()
		go func(i int) {
			defer wg.Done()
			defer client.Close()
			steps := [][2]string{{"EHLO c" + fmt.Sprint(i), "250 "}}
			for m := 0; m < perSession; m++ {
				steps = append(steps, [][2]string{
					{"MAIL FROM:<a@example.org>", "250"},
					{fmt.Sprintf("RCPT TO:<r%d@test.example>", i), "250"},
					{"DATA", "354"},
					{fmt.Sprintf("Subject: %d.%d\r\n\r\nbody\r\n.", i, m), "250 OK id="},
				}...)
			}
			steps = append(steps, [2]string{"QUIT", "221"})
			if err := converse(client, steps); err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	ids, err := srv.Spool.List()
	if err != nil || len(ids) != sessions*perSession {
		t.Fatalf("spool has %d messages (%v), want %d", len(ids), err, sessions*perSession)
	}
}
