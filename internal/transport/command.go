package transport

import (
	"exigo/internal/expand/funcs"
	"fmt"
	"strings"

	"exigo/internal/expand"
	"exigo/internal/item"
)

// CommandError is why a command line could not be set up. Exim fails the
// address, except for an argument that does not expand, whose result the
// caller chooses (Exim's expand_failed: PANIC for a configured command,
// FAIL for a user's pipe).
type CommandError struct {
	Msg          string
	ExpandFailed bool
}

func (e *CommandError) Error() string { return e.Msg }

// CommandSpec is a command to split into arguments and, if Expand, to
// expand argument by argument (Exim's transport_set_up_command).
type CommandSpec struct {
	Command string
	Expand  bool
	Ctx     *expand.Context
	// Addrs replace an argument that is exactly "$pipe_addresses" or
	// "${pipe_addresses}", one argument each.
	Addrs []*item.Address
	// AddressPipe, when set (force_command), is the generated pipe
	// command (without its '|') that an argument "$address_pipe"
	// expands to, split into arguments.
	AddressPipe string
	// What is the text used in messages, as "pipe transport".
	What string
}

// SetUpCommand splits and expands a command line without a shell.
func SetUpCommand(s CommandSpec) ([]string, error) {
	maxArgs := len(s.Addrs) + 60
	argv, rest := SplitCommand(s.Command, maxArgs)
	if rest != "" {
		return nil, &CommandError{Msg: fmt.Sprintf("Too many arguments in command \"%s\" in %s", s.Command, s.What)}
	}
	if !s.Expand {
		return argv, nil
	}
	ctx := s.Ctx
	if ctx == nil {
		ctx = &expand.Context{}
	}
	var out []string
	argc := len(argv)
	for _, arg := range argv {
		switch {
		case len(s.Addrs) > 0 && (arg == "$pipe_addresses" || arg == "${pipe_addresses}"):
			if argc+len(s.Addrs)-1 > maxArgs {
				return nil, &CommandError{Msg: fmt.Sprintf("Too many arguments to command \"%s\" in %s", s.Command, s.What)}
			}
			argc += len(s.Addrs) - 1
			for _, a := range s.Addrs {
				out = append(out, a.Address)
			}
		case s.AddressPipe != "" && (arg == "$address_pipe" || arg == "${address_pipe}"):
			more, err := addressPipeArgs(s, ctx, maxArgs-argc+1)
			if err != nil {
				return nil, err
			}
			if argc+len(more)-1 > maxArgs {
				return nil, &CommandError{Msg: fmt.Sprintf(
					"Too many arguments to command \"%s\" after expanding $address_pipe in %s", s.Command, s.What)}
			}
			argc += len(more) - 1
			out = append(out, more...)
		default:
			v, tainted, err := ctx.ExpandTaint(arg)
			if err != nil {
				return nil, &CommandError{ExpandFailed: true, Msg: fmt.Sprintf(
					"Expansion of \"%s\" from command \"%s\" in %s failed: %s", arg, s.Command, s.What, err)}
			}
			if tainted {
				return nil, &CommandError{Msg: fmt.Sprintf("Tainted arg %d for %s command: '%s'", len(out), s.What, v)}
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// addressPipeArgs expands a generated pipe command and splits it, for
// force_command's $address_pipe.
func addressPipeArgs(s CommandSpec, ctx *expand.Context, max int) ([]string, error) {
	v, err := ctx.Expand(s.AddressPipe)
	if err != nil || v == "" {
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		return nil, &CommandError{Msg: fmt.Sprintf("Expansion of \"%s\" from command \"%s\" in %s failed: %s",
			s.AddressPipe, s.Command, s.What, msg)}
	}
	args, rest := SplitCommand(v, max)
	if rest != "" {
		return nil, &CommandError{Msg: fmt.Sprintf("Too many arguments in $address_pipe \"%s\" in %s", s.AddressPipe, s.What)}
	}
	return args, nil
}

// SplitCommand splits a command line as Exim does: arguments separated
// by white space; '...' taken literally; "..." with backslash escapes.
// It stops after max arguments and returns what is left.
func SplitCommand(cmd string, max int) (argv []string, rest string) {
	s := strings.TrimLeft(cmd, " \t\n\v\f\r")
	for s != "" && len(argv) < max {
		var arg string
		switch s[0] {
		case '\'':
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				arg, s = s[1:], ""
			} else {
				arg, s = s[1:1+end], s[2+end:]
			}
		case '"':
			arg, s = funcs.QuotedString(s[1:])
		default:
			end := strings.IndexAny(s, " \t\n\v\f\r")
			if end < 0 {
				end = len(s)
			}
			arg, s = s[:end], s[end:]
		}
		argv = append(argv, arg)
		s = strings.TrimLeft(s, " \t\n\v\f\r")
	}
	return argv, s
}
