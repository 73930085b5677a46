package plaintext

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"exigo/internal/auth"
	"exigo/internal/expand"
)

// eximServer is Exim 4.96 in -bh mode behind pipes: a live server for
// the client side to talk to.
type eximServer struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
	t   *testing.T
}

func startExim(t *testing.T, text string) *eximServer {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/exim4"); err != nil {
		t.Skip("/usr/sbin/exim4 not installed: no Exim to talk to")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "exim.conf")
	if err := os.WriteFile(conf, []byte(strings.Replace(text, "@DIR@", dir, -1)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("unshare", "-n", "sh", "-c", `ip link set lo up; exec /usr/sbin/exim4 -C "$0" -bh 10.0.0.1 2>/dev/null`, conf)
	in, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start exim: %v", err)
	}
	s := &eximServer{cmd: cmd, in: in, out: bufio.NewReader(stdout), t: t}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	if r, err := s.Read(); err != nil || !strings.HasPrefix(r, "220 ") {
		t.Skipf("exim did not greet: %q %v", r, err)
	}
	s.Send("EHLO x")
	if _, err := s.Read(); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *eximServer) Send(line string) error {
	_, err := io.WriteString(s.in, line+"\r\n")
	return err
}

// Read returns a whole response, lines joined with "\n", skipping -bh's
// banner text.
func (s *eximServer) Read() (string, error) {
	var lines []string
	for {
		l, err := s.out.ReadString('\n')
		if err != nil {
			return strings.Join(lines, "\n"), err
		}
		l = strings.TrimRight(l, "\r\n")
		if len(l) < 4 || l[0] < '1' || l[0] > '5' {
			continue
		}
		lines = append(lines, l)
		if l[3] == ' ' {
			return strings.Join(lines, "\n"), nil
		}
	}
}

func (s *eximServer) Expand(str string, vals []string) (string, error) {
	c := &expand.Context{Vars: auth.Vars(nil, vals)}
	return c.Expand(str)
}

// The manual's PLAIN and LOGIN instances are clients as well as servers:
// our client side talks to Exim's server side with the same settings.
func TestClientAgainstEximServer(t *testing.T) {
	text := configText(t, "@DIR@", "manual.conf")
	insts := build(t, text)
	for _, inst := range insts[:2] {
		t.Run(inst.PublicName, func(t *testing.T) {
			srv := startExim(t, text)
			out := inst.Client.Authenticate(auth.NewClientCall(inst, srv))
			if out.Result != auth.OK || out.Message != "235 Authentication succeeded" {
				t.Errorf("%+v", out)
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		inst := clientConfig(t, "  client_send = : username : ^^wrong\n")
		inst.PublicName = "LOGIN"
		srv := startExim(t, text)
		out := inst.Client.Authenticate(auth.NewClientCall(inst, srv))
		if out.Result != auth.Fail || out.Message != "535 Incorrect authentication data" {
			t.Errorf("%+v", out)
		}
	})
	t.Run("too few items", func(t *testing.T) {
		inst := clientConfig(t, "  client_send = : username\n")
		inst.PublicName = "LOGIN"
		srv := startExim(t, text)
		out := inst.Client.Authenticate(auth.NewClientCall(inst, srv))
		if out.Result != auth.Fail || out.Message != "334 UGFzc3dvcmQ6" {
			t.Errorf("%+v", out)
		}
	})
}
