package transport

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
)

// Exim's EX_EXECFAILED: the exit status of a child that could not exec.
const exitExecFailed = 127

// Filter is a transport_filter set up for one delivery: the command's
// arguments, already expanded, and transport_filter_timeout.
type Filter struct {
	Argv    []string
	Timeout time.Duration
	Dir     string // where it runs ("": this process's directory)
}

// Active reports a filter to run: Exim runs none when the first argument
// is empty (an option expanding to nothing).
func (f *Filter) Active() bool {
	return f != nil && len(f.Argv) > 0 && f.Argv[0] != ""
}

// FilterError is Exim's ERRNO_FILTER_FAIL: the filter ended with a
// non-zero status (its more_errno: exit code, or minus the signal).
type FilterError struct{ Status int }

func (e *FilterError) Error() string {
	return "transport filter process failed (" + fmt.Sprint(e.Status) + ")" + e.Suffix()
}

// Suffix is what Exim adds after the status when the command could not
// be run at all.
func (e *FilterError) Suffix() string {
	if e.Status == exitExecFailed {
		return ": unable to execute command"
	}
	return ""
}

// FilterTimeout is a filter that gave no output for the timeout; it
// unwraps to ETIMEDOUT, the errno Exim reports (with its
// transport_filter_timed_out flag set).
type FilterTimeout struct{}

func (FilterTimeout) Error() string { return "timed out reading from the transport filter" }
func (FilterTimeout) Unwrap() error { return syscall.ETIMEDOUT }

// writeFiltered is Exim's transport_write_message with a filter: the
// message, with LF line ends and no escaping, goes to the filter's
// standard input from a goroutine (Exim's separate writer process); its
// standard output and error are read back and written to w with the
// CRLF, check/escape and end-dot processing o asks for. The prefix and
// suffix are written around it, unfiltered.
func writeFiltered(w io.Writer, msg *Message, o *WriteOptions) (Written, error) {
	bw := bufio.NewWriterSize(w, 8192)
	lw := newLineWriter(bw, o)
	if o.Prefix != "" {
		lw.raw(o.Prefix)
	}
	run, err := startFilter(o.Filter)
	if err != nil {
		return Written{lw.bytes, lw.newlines}, err
	}
	wrote := run.feed(msg, o)
	lw.setChecking(true, false) // Exim leaves the filter's first line alone
	lastNL, err := run.copyOut(lw, o.Filter.Timeout)
	err = run.finish(err, wrote)
	if err == nil {
		lw.setChecking(false, false)
		if o.EndDot {
			if lastNL {
				lw.WriteString(".\n")
			} else {
				lw.WriteString("\n.\n")
			}
		}
		if o.Suffix != "" {
			lw.raw(o.Suffix)
		}
		if lw.err == nil {
			lw.err = bw.Flush()
		}
		err = lw.err
	}
	return Written{lw.bytes, lw.newlines}, err
}

// filterRun is a running filter process and the pipes to it.
type filterRun struct {
	cmd    *exec.Cmd
	in     *os.File // our end of its standard input
	out    *os.File // our end of its standard output and error
	status int      // exit status when it could not be started
}

// startFilter starts the command without a shell or a PATH search (Exim
// execs argv[0] as it is), standard error joined to standard output. A
// command that cannot be started counts as one that exited 127, as a
// forked Exim child that fails to exec does.
func startFilter(f *Filter) (*filterRun, error) {
	cmd := &exec.Cmd{Path: f.Argv[0], Args: f.Argv, Dir: f.Dir}
	in, out, startErr, err := StartPiped(cmd)
	if err != nil {
		return nil, err
	}
	run := &filterRun{cmd: cmd, in: in, out: out}
	if startErr != nil {
		run.cmd, run.status = nil, exitExecFailed
	}
	return run, nil
}

// feed writes the message to the filter's input in a goroutine and
// returns where its result will arrive.
func (run *filterRun) feed(msg *Message, o *WriteOptions) <-chan error {
	inner := *o
	inner.Filter = nil
	inner.CRLF, inner.EndDot, inner.EscapeHeaders = false, false, false
	inner.CheckString, inner.EscapeString, inner.Prefix, inner.Suffix = "", "", "", ""
	done := make(chan error, 1)
	go func() {
		_, err := WriteMessage(run.in, msg, &inner)
		if cerr := run.in.Close(); err == nil && cerr != nil && !errors.Is(cerr, os.ErrClosed) {
			err = cerr
		}
		done <- err
	}()
	return done
}

// copyOut copies the filter's output to lw until end of file, each read
// given the timeout. It reports whether the output ended with a newline
// (or was empty).
func (run *filterRun) copyOut(lw *lineWriter, timeout time.Duration) (bool, error) {
	lastNL := true
	buf := make([]byte, 8192)
	for {
		if timeout > 0 {
			run.out.SetReadDeadline(time.Now().Add(timeout))
		}
		n, err := run.out.Read(buf)
		if n > 0 {
			if _, werr := lw.Write(buf[:n]); werr != nil {
				return lastNL, werr
			}
			lastNL = buf[n-1] == '\n'
		}
		switch {
		case err == io.EOF:
			return lastNL, nil
		case errors.Is(err, os.ErrDeadlineExceeded):
			return lastNL, FilterTimeout{}
		case err != nil:
			return lastNL, err
		}
	}
}

// finish tidies up as Exim does: on an earlier error the filter is
// killed; then a non-zero filter status, else the writer's error, is
// the result.
func (run *filterRun) finish(err error, wrote <-chan error) error {
	run.out.Close()
	if err != nil && run.cmd != nil {
		run.cmd.Process.Kill()
	}
	if err != nil {
		run.in.Close() // unblock the writer
	}
	status := run.status
	if run.cmd != nil {
		status = run.wait(30 * time.Second)
	}
	werr := <-wrote
	switch {
	case err != nil:
		return err
	case status != 0:
		return &FilterError{Status: status}
	}
	return werr
}

// wait reaps the filter, killing it after limit; the status is Exim's
// child_close value: the exit code, minus the signal that ended it, or
// -256 when it had to be killed.
func (run *filterRun) wait(limit time.Duration) int {
	done := make(chan struct{})
	var timedOut atomic.Bool
	go func() {
		select {
		case <-done:
		case <-time.After(limit):
			timedOut.Store(true)
			run.cmd.Process.Kill()
		}
	}()
	run.cmd.Wait()
	close(done)
	if timedOut.Load() {
		return -256
	}
	ws, ok := run.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok {
		return run.cmd.ProcessState.ExitCode()
	}
	if ws.Signaled() {
		return -int(ws.Signal())
	}
	return ws.ExitStatus()
}

// SetUpFilter expands transport_filter as Exim's transport_set_up_command
// does (argument by argument, $pipe_addresses), for the batch addrs;
// what names it in messages ("transport filter" for local deliveries,
// "<name> transport" for remote ones). It returns nil when the option
// is unset.
func SetUpFilter(d *conf.Driver, ctx *expand.Context, addrs []*item.Address, what string) (*Filter, error) {
	if !d.IsSet("transport_filter") {
		return nil, nil
	}
	argv, err := SetUpCommand(CommandSpec{Command: d.String("transport_filter"), Expand: true,
		Ctx: ctx, Addrs: addrs, What: what})
	if err != nil {
		return nil, err
	}
	return &Filter{Argv: argv, Timeout: d.Time("transport_filter_timeout"), Dir: WorkDir(addrs[0])}, nil
}

// filterSetupFailed records a filter command that could not be set up
// on a local batch: Exim's PANIC for an expansion failure, FAIL for the
// rest, with the address's default error number.
func filterSetupFailed(addrs []*item.Address, err error) {
	r, isPanic := item.Fail, false
	var ce *CommandError
	if errors.As(err, &ce) && ce.ExpandFailed {
		r, isPanic = item.Defer, true
	}
	SetAll(addrs, r, item.ErrnoUnknown, err.Error())
	for _, a := range addrs {
		a.Panic = isPanic
	}
}
