package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand"
)

// expandMode is -be: expand each argument, or each line of standard input.
func (r *run) expandMode() int {
	cfg, ok := r.configOrDie()
	if !ok {
		return 1
	}
	ctx := r.expandContext(cfg)
	out := bufio.NewWriter(r.stdout)
	defer out.Flush()
	if len(r.opts.Args) > 0 {
		for _, s := range r.opts.Args {
			printExpansion(out, ctx, cfg, s)
		}
		return 0
	}
	r.expandLines(out, ctx, cfg)
	return 0
}

// printExpansion expands s after substituting the configuration's
// macros, as Exim 4.96 does for -be strings.
func printExpansion(w io.Writer, ctx *expand.Context, cfg *conf.Config, s string) {
	v, err := ctx.Expand(cfg.SubstituteMacros(s))
	if err != nil {
		fmt.Fprintf(w, "Failed: %v\n", err)
		return
	}
	fmt.Fprintf(w, "%s\n", v)
}

// expandLines reads standard input like Exim: a "> " prompt before each
// line, trailing white space dropped, a final backslash joining the next
// line (whose leading white space is dropped).
func (r *run) expandLines(out *bufio.Writer, ctx *expand.Context, cfg *conf.Config) {
	if r.stdin == nil {
		return
	}
	in := bufio.NewReader(r.stdin)
	// A person at a terminal needs each prompt at once; a pipe does not,
	// and a write per line would dominate the time of a long batch.
	interactive := isTerminal(r.stdin)
	for {
		out.WriteString("> ")
		if interactive {
			out.Flush()
		}
		line, ok := readLogicalLine(in)
		if !ok {
			out.WriteString("\n")
			return
		}
		printExpansion(out, ctx, cfg, line)
	}
}

// readLogicalLine returns one input line with continuations joined; ok is
// false at end of input with nothing read.
func readLogicalLine(in *bufio.Reader) (string, bool) {
	var parts []string
	for {
		raw, err := in.ReadString('\n')
		if raw == "" && err != nil {
			if len(parts) == 0 {
				return "", false
			}
			return joinContinuation(parts), true
		}
		line := strings.TrimRight(raw, " \t\r\n")
		if strings.HasSuffix(line, "\\") {
			parts = append(parts, line[:len(line)-1])
			if err != nil {
				return joinContinuation(parts), true
			}
			continue
		}
		parts = append(parts, line)
		return joinContinuation(parts), true
	}
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
