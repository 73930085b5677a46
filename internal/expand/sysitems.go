package expand

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"exigo/internal/syserr"
)

// openFailed is Exim's string_open_failed: EACCES also names the ids.
func openFailed(name string, err error) error {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return failMsg(fmt.Sprintf("failed to open %s: %s", name, err.Error()))
	}
	msg := fmt.Sprintf("failed to open %s: %s", name, syserr.Text(errno))
	if errno == syscall.EACCES {
		msg += fmt.Sprintf(" (euid=%d egid=%d)", os.Geteuid(), os.Getegid())
	}
	return failMsg(msg)
}

func itemReadfile(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	args, j, err := e.readSubs(s, i, 2, 1, fl, true, name)
	if err != nil || fl&skipping != 0 {
		return j, err
	}
	file := args[0]
	if file.t {
		// Exim 4.96 refuses to open tainted names as if permission was denied.
		e.c.log("Tainted filename '%s'", file.s)
		return j, openFailed(file.s, syscall.EACCES)
	}
	data, err := os.ReadFile(file.s)
	if err != nil && !errors.Is(err, syscall.EISDIR) {
		return j, openFailed(file.s, err)
	}
	text := string(data)
	tainted := false
	if len(args) > 1 {
		text = strings.ReplaceAll(text, "\n", args[1].s)
		tainted = args[1].t && strings.Contains(string(data), "\n")
	}
	o.add(text, tainted)
	return j, nil
}

func (c *Context) lookupEnv(key string) (string, bool) {
	if c.Environ == nil {
		return os.LookupEnv(key)
	}
	for _, kv := range c.Environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// runTimeout is how long ${run} waits for the command's output.
var runTimeout = 60 * time.Second

func itemRun(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	preexpand := false
	for i < len(s) && s[i] == ',' {
		if !strings.HasPrefix(s[i+1:], "preexpand") {
			t := i + 2
			for t < len(s) && isAlpha(s[t]) {
				t++
			}
			return t, failMsg(fmt.Sprintf("bad option '%s' for run", s[i+1:min(t, len(s))]))
		}
		preexpand, i = true, i+10
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return i + 1, e.curly("missing '{' for command arg of run")
	}
	if preexpand {
		return e.runPreexpanded(s, i, fl, o)
	}
	// By default Exim 4.96 splits the raw command first and expands each
	// argument afterwards, so only the extent of the command is found
	// here (a syntax error just ends it early).
	_, _, t, _ := e.run(s, i+1, braceEnds|honorDollar|skipping)
	raw := s[i+1 : t]
	i = t
	if i >= len(s) || s[i] != '}' {
		return i + 1, e.curly("missing '}' closing command arg of run")
	}
	i++
	saved := e.save()
	if fl&skipping != 0 {
		e.runrc, e.runrcSet = 0, true
		e.setValue("", false, false)
	} else {
		argv, tainted0, err := e.commandArgs(raw)
		if err != nil {
			return i, err
		}
		if tainted0 {
			e.c.log("Attempt to exec tainted path: '%s'", argv[0])
		}
		out, rc, err := runCommand(argv, tainted0, e.c.Environ)
		if err != nil {
			return i, err
		}
		e.runrc, e.runrcSet = rc, true
		e.setValue(out, false, true)
		saved = e.save()
	}
	return e.yesNo(s, i, fl, e.runrc == 0, saved, o, "run")
}

// runPreexpanded is ${run,preexpand{...}}: expand, then split.
func (e *expander) runPreexpanded(s string, i int, fl flags, o *buf) (int, error) {
	cmd, ct, j, err := e.run(s, i+1, braceEnds|honorDollar|fl&skipping)
	if err != nil {
		return j, err
	}
	i = skipSpace(s, j)
	if i >= len(s) || s[i] != '}' {
		return i + 1, e.curly("missing '}' closing command arg of run")
	}
	i++
	saved := e.save()
	if fl&skipping != 0 {
		e.runrc, e.runrcSet = 0, true
		e.setValue("", false, false)
	} else {
		argv := splitCommand(cmd)
		if ct && len(argv) > 0 {
			e.c.log("Attempt to exec tainted path: '%s'", argv[0])
		}
		out, rc, err := runCommand(argv, ct, e.c.Environ)
		if err != nil {
			return i, err
		}
		e.runrc, e.runrcSet = rc, true
		e.setValue(out, false, true)
		saved = e.save()
	}
	return e.yesNo(s, i, fl, e.runrc == 0, saved, o, "run")
}

// commandArgs splits a raw ${run} command and expands each argument; it
// also tells whether the program name is tainted.
func (e *expander) commandArgs(raw string) ([]string, bool, error) {
	argv := splitCommand(raw)
	tainted0 := false
	for k, a := range argv {
		v, t, err := e.expandString(arg{a, false})
		if err != nil {
			return nil, false, failMsg(fmt.Sprintf("Expansion of \"%s\" from command \"%s\" in ${run} expansion failed: %s", a, raw, err.Error()))
		}
		argv[k] = v
		if k == 0 {
			tainted0 = t
		}
	}
	return argv, tainted0, nil
}

// runCommand runs the command line without a shell (split as Exim's
// transport_set_up_command does) and returns its output and status.
func runCommand(argv []string, tainted0 bool, env []string) (string, int, error) {
	if len(argv) == 0 {
		argv = []string{""}
	}
	if tainted0 {
		return "", 0, failMsg("couldn't create child process: Operation not permitted")
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0])
	cmd.Path, cmd.Args, cmd.Dir, cmd.Env = argv[0], argv, "/", env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &out, &out, nil
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err := cmd.Run()
	if ctx.Err() != nil {
		return "", 0, failMsg("command timed out")
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0, nil
	case errors.As(err, &exit):
		if st, ok := exit.Sys().(syscall.WaitStatus); ok && st.Signaled() {
			return "", 0, failMsg(fmt.Sprintf("command killed by signal %d", int(st.Signal())))
		}
		return out.String(), exit.ExitCode(), nil
	}
	return "", 127, nil // the exec failed: Exim's child exits with 127
}

// splitCommand splits a command line at white space; '...' and "..."
// quote (the latter with backslash escapes).
func splitCommand(s string) []string {
	var argv []string
	i := skipSpace(s, 0)
	for i < len(s) {
		if s[i] == '\'' {
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				argv = append(argv, s[i+1:])
				i = len(s)
			} else {
				argv = append(argv, s[i+1:i+1+j])
				i += j + 2
			}
		} else {
			a, j := dequote(s, i)
			argv = append(argv, a)
			i = j
		}
		i = skipSpace(s, i)
	}
	return argv
}
