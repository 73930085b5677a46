package lmtp

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"exigo/internal/transport"
)

// errFormat is a malformed reply (Exim's ERRNO_SMTPFORMAT).
var errFormat = errors.New("malformed LMTP response")

// errTimeout is a reply that did not come in time.
var errTimeout = errors.New("timeout")

// conn is the LMTP channel: a command's pipes or a Unix socket.
type conn struct {
	r        *bufio.Reader
	w        io.Writer
	readDL   func(time.Time) error
	writeDL  func(time.Time) error
	close    func()
	cmd      *exec.Cmd
	dataSent int64 // bytes of the message written (Exim's transport_count)
}

// startCommand runs the LMTP server command in a process group of its
// own; its standard output and error are both read.
func startCommand(argv []string, dir string) (*conn, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	inW, outR, startErr, err := transport.StartPiped(cmd)
	if err != nil {
		return nil, err
	}
	if startErr != nil {
		inW.Close()
		outR.Close()
		return nil, startErr
	}
	return &conn{r: bufio.NewReader(outR), w: inW, readDL: outR.SetReadDeadline, writeDL: inW.SetWriteDeadline,
		close: func() { inW.Close(); outR.Close() }, cmd: cmd}, nil
}

// dialSocket connects to the LMTP server's Unix socket.
func dialSocket(path string) (*conn, error) {
	c, err := net.Dial("unix", path)
	if err != nil {
		return nil, err
	}
	return &conn{r: bufio.NewReader(c), w: c, readDL: c.SetReadDeadline, writeDL: c.SetWriteDeadline,
		close: func() { c.Close() }}, nil
}

// kill ends the command's whole process group (after an error).
func (c *conn) kill() {
	if c.cmd != nil && c.cmd.Process != nil {
		syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// finish closes the channel and waits for the command, at most timeout.
func (c *conn) finish(timeout time.Duration) {
	c.close()
	if c.cmd == nil {
		return
	}
	done := make(chan struct{})
	go func() { c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		c.kill()
		<-done
	}
}

// command writes one command line (CRLF added).
func (c *conn) command(line string, timeout time.Duration) error {
	if timeout > 0 {
		c.writeDL(time.Now().Add(timeout))
	}
	_, err := io.WriteString(c.w, line+"\r\n")
	return err
}

// reply reads a reply as Exim's lmtp_read_response: lines up to the one
// without a '-' after the code, joined by newlines, trailing white space
// removed. ok says the first digit is want. With an error, reply holds
// what was read ("" when nothing was).
func (c *conn) reply(want byte, timeout time.Duration) (reply string, ok bool, err error) {
	if timeout > 0 {
		c.readDL(time.Now().Add(timeout))
	}
	var lines []string
	for {
		line, rerr := c.r.ReadString('\n')
		if rerr != nil {
			if errors.Is(rerr, os.ErrDeadlineExceeded) {
				return "", false, errTimeout
			}
			if rerr == io.EOF {
				return "", false, nil
			}
			return "", false, rerr
		}
		line = strings.TrimRight(line, " \t\r\n\v\f")
		lines = append(lines, line)
		if !wellFormed(line) {
			return strings.Join(lines, "\n"), false, errFormat
		}
		if len(line) == 3 || line[3] != '-' {
			break
		}
	}
	r := strings.Join(lines, "\n")
	return r, r[0] == want, nil
}

// wellFormed: three digits, then a space, a '-' or the end.
func wellFormed(l string) bool {
	if len(l) < 3 || !isDigit(l[0]) || !isDigit(l[1]) || !isDigit(l[2]) {
		return false
	}
	return len(l) == 3 || l[3] == ' ' || l[3] == '-'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
