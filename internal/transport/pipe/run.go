package pipe

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/syserr"
	"exigo/internal/transport"
)

// execFailed is the status Exim's child gives when exec fails.
const execFailed = 127

// processUmask is this process's umask, read without changing it.
var processUmask = sync.OnceValue(func() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Umask:"); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 8, 32); err == nil {
				return int(n)
			}
		}
	}
	return -1
})

// execute runs the command, writes the message to it and waits for it,
// recording the outcome.
func (x *delivery) execute(argv, env []string) {
	cmd := x.newCmd(argv, env)
	inW, outR, startErr, err := transport.StartPiped(cmd)
	if err != nil {
		x.set(item.Defer, "Failed to create child process for %s transport: %s", x.t.d.Name, syserr.Of(err))
		return
	}
	outputRead := make(chan struct{})
	go x.readOutput(outR, outputRead, cmd)
	if startErr != nil {
		inW.Close()
		<-outputRead
		x.exited(execFailed, "")
		return
	}
	werr := x.writeMessage(inW)
	inW.Close()
	timeout := x.o.timeout
	switch x.writeFailed(werr) {
	case writeGaveUp:
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		<-outputRead
		return
	case writeTimedOut:
		timeout = time.Second
	}
	state, timedOut := waitFor(cmd, timeout)
	<-outputRead
	x.finish(state, timedOut)
}

// newCmd prepares the command in a process group of its own (so that a
// timeout kills everything it started), with its umask. Go cannot set a
// child's umask, so a umask other than this process's is set by a small
// /bin/sh step that then executes the command (PWD, which the shell
// would add, is removed again).
func (x *delivery) newCmd(argv, env []string) *exec.Cmd {
	var cmd *exec.Cmd
	if x.o.umask == processUmask() {
		cmd = exec.Command(argv[0], argv[1:]...)
	} else {
		script := fmt.Sprintf(`umask %03o; unset PWD; exec "$0" "$@"`, x.o.umask)
		if hasPWD(env) {
			script = fmt.Sprintf(`umask %03o; exec "$0" "$@"`, x.o.umask)
		}
		cmd = exec.Command("/bin/sh", append([]string{"-c", script}, argv...)...)
	}
	cmd.Env = env
	cmd.Dir = transport.WorkDir(x.a)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

func hasPWD(env []string) bool {
	for _, e := range env {
		if strings.HasPrefix(e, "PWD=") {
			return true
		}
	}
	return false
}

// readOutput reads the command's standard output and error into the
// return file (Exim's return_file; without one it is read and dropped),
// as far as the block that takes it past max_output, when the command
// is killed. It closes done when it stops.
func (x *delivery) readOutput(r *os.File, done chan<- struct{}, cmd *exec.Cmd) {
	defer close(done)
	defer r.Close()
	keep := x.env.ReturnFile
	buf := make([]byte, 16384) // Exim reads into its big_buffer, 16K
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 {
			total += int64(n)
			if keep != nil {
				keep.Write(buf[:n])
			}
			if total > x.o.maxOutput {
				if keep != nil {
					keep.WriteString("\n\n*** Too much output - remainder discarded ***\n")
				}
				if cmd.Process != nil {
					syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				}
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// deadlineWriter gives each write timeout to complete (Exim's
// transport_write_timeout, an alarm per block).
type deadlineWriter struct {
	w       io.Writer
	f       interface{ SetWriteDeadline(time.Time) error }
	timeout time.Duration
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	if d.f != nil && d.timeout > 0 {
		d.f.SetWriteDeadline(time.Now().Add(d.timeout))
	}
	return d.w.Write(p)
}

// writeMessage writes prefix, batch SMTP envelope, message, suffix.
func (x *delivery) writeMessage(stdin *os.File) error {
	o, name := x.o, x.t.d.Name
	dw := &deadlineWriter{w: stdin, f: stdin, timeout: o.timeout}
	prefix, err := x.dv.Ctx.Expand(o.prefix)
	if err != nil {
		return &expandError{fmt.Sprintf("Expansion of \"%s\" (prefix for %s transport) failed: %s", o.prefix, name, err), err}
	}
	suffix, err := x.dv.Ctx.Expand(o.suffix)
	if err != nil {
		return &expandError{fmt.Sprintf("Expansion of \"%s\" (suffix for %s transport) failed: %s", o.suffix, name, err), err}
	}
	if o.bsmtp {
		head, tail := transport.BSMTPEnvelope(x.dv.ReturnPath, x.addrs, o.rcptIncludeAffixes, o.crlf)
		prefix += head
		suffix += tail
	}
	w := x.dv.Write
	w.CRLF = o.crlf
	w.CheckString, w.EscapeString, w.EscapeHeaders = o.check, o.escape, o.escapeHeaders
	w.Prefix, w.Suffix = prefix, suffix
	_, err = transport.WriteMessage(dw, x.msg, &w)
	return err
}

// expandError is a prefix or suffix that did not expand.
type expandError struct {
	msg string
	err error
}

func (e *expandError) Error() string { return e.msg }

const (
	writeOK       = iota
	writeTimedOut // wait one more second for the command
	writeGaveUp   // stop here: the outcome is recorded
)

// writeFailed records a failed write and says how to go on: a closed
// pipe is ignored (the command did not read everything), a timeout
// fails, anything else panics.
func (x *delivery) writeFailed(err error) int {
	if err == nil {
		return writeOK
	}
	a := x.a
	var ee *expandError
	var he *transport.HeaderError
	var fe *transport.FilterError
	switch {
	case errors.As(err, &ee):
		a.Result, a.Message, a.Panic = item.Defer, ee.msg, true
		if expand.IsDefer(ee.err) {
			a.Panic = false
		}
		return writeGaveUp
	case errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, new(transport.FilterTimeout)):
		a.Message = "timeout while writing to pipe"
		if errors.As(err, new(transport.FilterTimeout)) {
			a.Message = "transport filter " + a.Message
		}
		a.Result = item.Fail
		if x.o.timeoutDefer {
			a.Result = item.Defer
		}
		return writeTimedOut
	case errors.Is(err, syscall.EPIPE):
		return writeOK
	case errors.As(err, &he):
		a.Result, a.Panic, a.BasicErrno = item.Defer, true, item.ErrnoChHeaderFail
		a.Message = "Failed to expand headers_add or headers_remove: " + he.Msg
	case errors.As(err, &fe):
		// Exim capitalises this one here, unlike the other transports.
		a.Result, a.Panic, a.BasicErrno, a.MoreErrno = item.Defer, true, item.ErrnoFilterFail, fe.Status
		a.Message = fmt.Sprintf("Transport filter process failed (%d)%s", fe.Status, fe.Suffix())
	default:
		e := transport.Errno(err)
		a.Result, a.Panic, a.BasicErrno = item.Defer, true, e
		a.Message = fmt.Sprintf("Error %d", e)
	}
	return writeGaveUp
}

// waitFor waits for the command, at most timeout (0: for ever).
func waitFor(cmd *exec.Cmd, timeout time.Duration) (*os.ProcessState, bool) {
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	if timeout <= 0 {
		<-done
		return cmd.ProcessState, false
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
		return cmd.ProcessState, false
	case <-t.C:
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return cmd.ProcessState, true
	}
}
