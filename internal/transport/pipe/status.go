package pipe

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"exigo/internal/item"
	"exigo/internal/lists"
)

// finish turns the command's end into the outcome (Exim's handling of
// child_close's result).
func (x *delivery) finish(state *os.ProcessState, timedOut bool) {
	a, o, name := x.a, x.o, x.t.d.Name
	tmsg := ""
	if a.Message != "" {
		tmsg = " (preceded by " + a.Message + ")"
	}
	if timedOut {
		a.Result = item.Fail
		if o.timeoutDefer {
			a.Result = item.Defer
		}
		a.Message = "pipe delivery process timed out" + tmsg
		return
	}
	if state == nil {
		a.Result, a.Panic = item.Defer, true
		a.Message = fmt.Sprintf("Wait() failed for child process of %s transport: %s%s", name, "no process state", tmsg)
		return
	}
	ws, _ := state.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		sig := ws.Signal()
		text := fmt.Sprintf("Child process of %s transport (running command \"%s\") was terminated by signal %d (%s)%s",
			name, x.cmd, int(sig), signalText(sig), tmsg)
		if o.freezeSignal {
			a.Result, a.Freeze, a.Message = item.Defer, true, text
		} else if !o.ignoreStatus {
			a.Result, a.Message = item.Fail, text
		}
		return
	}
	if rc := ws.ExitStatus(); rc != 0 {
		x.exited(rc, tmsg)
	}
}

// exited handles a non-zero exit status: temp_errors defer, others fail;
// 127 is an exec failure, which freeze_exec_fail freezes.
func (x *delivery) exited(rc int, tmsg string) {
	a, o, name := x.a, x.o, x.t.d.Name
	if o.freezeExecFail && rc == execFailed {
		a.Result, a.Freeze = item.Defer, true
		a.Message = fmt.Sprintf("pipe process failed to exec \"%s\"%s", x.cmd, tmsg)
		return
	}
	if o.ignoreStatus {
		return
	}
	a.Result = item.Fail
	if o.tempErrors == "*" {
		a.Result = item.Defer
	} else {
		for _, s := range lists.Split(o.tempErrors) {
			if n, _ := strconv.Atoi(strings.TrimSpace(s)); n == rc {
				a.Result = item.Defer
				break
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Child process of %s transport returned %d", name, rc)
	explain := exitText(rc)
	if rc > 128 {
		explain = fmt.Sprintf("(could mean shell command ended by signal %d (%s))", rc-128, signalText(syscall.Signal(rc-128)))
	}
	if explain != "" {
		b.WriteString(" " + explain)
	}
	// Exim means to list the arguments, but its loop stops after the
	// first one: only the command's path is shown.
	b.WriteString(" from command:")
	arg0 := x.argv0
	if strings.ContainsAny(arg0, " \t") {
		arg0 = `"` + arg0 + `"`
	}
	b.WriteString(" " + arg0 + tmsg)
	a.Message = b.String()
}

// exitText is Exim's os_strexit: what a sysexits.h status may mean.
func exitText(rc int) string {
	return map[int]string{
		64: "(could mean usage or syntax error)", 65: "(could mean error in input data)",
		66: "(could mean input data missing)", 67: "(could mean user nonexistent)",
		68: "(could mean host nonexistent)", 69: "(could mean service or program unavailable)",
		70: "(could mean internal software error)", 71: "(could mean internal operating system error)",
		72: "(could mean system file missing)", 73: "(could mean can't create output file)",
		74: "(could mean input/output error)", 75: "(could mean temporary error)",
		76: "(could mean protocol error)", 77: "(could mean permission denied)",
		78: "(could mean configuration error)", 127: "(could mean unable to exec or command does not exist)",
	}[rc]
}

// signalText is strsignal's text: Go's with a capital letter.
func signalText(sig syscall.Signal) string {
	s := sig.String()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-32) + s[1:]
	}
	return s
}

// handleOutput does with the command's output what Exim's delivery
// process does with the return file: log its first line (log_output,
// log_fail_output, log_defer_output) and return it to the sender
// (return_output makes any output a failure; return_fail_output returns
// it with a failure) unless the message is a bounce.
func (x *delivery) handleOutput(out *output) {
	o, a := x.o, x.a
	if out == nil || len(out.buf) == 0 || !(o.returnOutput || o.returnFail || o.logOutput || o.logFail || o.logDefer) {
		return
	}
	if o.logOutput || (a.Result == item.Fail && o.logFail) || (a.Result == item.Defer && o.logDefer) {
		line, _, _ := strings.Cut(string(out.buf), "\n")
		line = strings.TrimRight(line, " \t\r\v\f")
		if x.env.Log != nil {
			x.env.Log.Main(x.msg.ID, fmt.Sprintf("<%s>: %s transport output: %s", a.Address, x.t.d.Name, printing(line)))
		}
	}
	sender := ""
	if x.msg.Header != nil {
		sender = x.msg.Header.Sender
	}
	if sender == "" && a.ErrorsTo == "" {
		return
	}
	if o.returnOutput {
		a.Result = item.Fail
		if a.BasicErrno == 0 && a.Message == "" {
			a.Message = "return message generated"
		}
		a.Output, a.ReturnOutput = string(out.buf), true
	} else if o.returnFail && a.Result == item.Fail {
		a.Output, a.ReturnOutput = string(out.buf), true
	}
}

// printing is Exim's string_printing: non-printing characters escaped.
func printing(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= ' ' && c < 0x7f:
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\v':
			b.WriteString(`\v`)
		case c == '\f':
			b.WriteString(`\f`)
		default:
			fmt.Fprintf(&b, `\%03o`, c)
		}
	}
	return b.String()
}
