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
