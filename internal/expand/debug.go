package expand

import (
	"fmt"
	"io"
	"strings"
)

// tracer writes the expansion part of Exim 4.96's "-d+expand" debug
// output: each nesting level indented by one more space, the tree drawn
// with UTF-8 box characters or, with noutf8, ASCII. A nil tracer writes
// nothing, so the engine calls it unconditionally.
type tracer struct {
	w    io.Writer
	utf8 bool
}

func newTracer(w io.Writer, utf8 bool) *tracer {
	if w == nil {
		return nil
	}
	return &tracer{w: w, utf8: utf8}
}

// printf writes a line of the tree, its ASCII drawing converted to box
// characters when the tracer draws in UTF-8.
func (t *tracer) printf(depth int, format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if t.utf8 {
		line = boxDrawing(line)
	}
	fmt.Fprintf(t.w, "%s%s", strings.Repeat(" ", depth), line)
}

// boxDrawing turns the ASCII tree prefix ("/", "|", "\" and the "-" or
// "_" run after it) into Exim's box characters.
func boxDrawing(line string) string {
	var b strings.Builder
	switch line[0] {
	case '/':
		b.WriteString("╭")
	case '|':
		b.WriteString("├")
	case '\\':
		b.WriteString("╰")
	default:
		return line
	}
	k := 1
	for k < len(line) && (line[k] == '-' || line[k] == '_') {
		b.WriteString("─")
		k++
	}
	b.WriteString(line[k:])
	return b.String()
}

// considering starts each step of the expansion loop.
func (t *tracer) considering(depth int, first bool, rest string, fl flags) {
	if t == nil {
		return
	}
	mark, verb := "|", "considering"
	if first {
		mark = "/"
	}
	if fl&skipping != 0 {
		verb = "---scanning"
	}
	t.printf(depth, "%s%s: %s\n", mark, verb, rest)
}

// interim shows a piece of the result ("text", "protected", "op-res"...).
func (t *tracer) interim(depth int, what, value string) {
	if t == nil {
		return
	}
	pad := 11 - len(what)
	if pad < 0 {
		pad = 0
	}
	t.printf(depth, "|%s%s: %s\n", strings.Repeat("-", pad), what, value)
}

func (t *tracer) backslashed(depth int, c byte) {
	if t == nil {
		return
	}
	t.printf(depth, "|backslashed: '\\%c'\n", c)
}

func (t *tracer) result(depth int, expanded, result string, fl flags) {
	if t == nil {
		return
	}
	t.printf(depth, "|--expanding: %s\n", expanded)
	if fl&skipping != 0 {
		t.printf(depth, "|-----result: %s\n", result)
		t.printf(depth, "\\___skipping: result is not used\n")
		return
	}
	t.printf(depth, "\\_____result: %s\n", result)
}

func (t *tracer) failed(depth int, s string, err error) {
	if t == nil {
		return
	}
	t.printf(depth, "|failed to expand: %s\n", s)
	if IsForcedFail(err) {
		t.printf(depth, "|---error message: %v\n", err)
		t.printf(depth, "\\failure was forced\n")
		return
	}
	t.printf(depth, "\\___error message: %v\n", err)
}

// note writes one of the free-form lines items add at their level.
func (t *tracer) note(depth int, format string, args ...any) {
	if t == nil {
		return
	}
	fmt.Fprintf(t.w, "%s%s\n", strings.Repeat(" ", depth), fmt.Sprintf(format, args...))
}

// orNull is how Exim prints an unset value.
func orNull(v string, ok bool) string {
	if !ok {
		return "NULL"
	}
	return v
}

// line writes a free-form debug line.
func (t *tracer) line(s string) {
	if t == nil {
		return
	}
	fmt.Fprintln(t.w, s)
}
