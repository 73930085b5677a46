package expand

import (
	"fmt"
	"io"
)

// tracer writes a simplified form of Exim's "-d+expand" trace. A nil
// tracer writes nothing, so the engine calls it unconditionally.
type tracer struct {
	w     io.Writer
	level int
}

func newTracer(w io.Writer) *tracer {
	if w == nil {
		return nil
	}
	return &tracer{w: w}
}

func (t *tracer) considering(s string, fl flags) {
	if t == nil {
		return
	}
	verb := "considering"
	if fl&skipping != 0 {
		verb = "---scanning"
	}
	fmt.Fprintf(t.w, "/%s: %s\n", verb, s)
}

func (t *tracer) interim(what, value string, fl flags) {
	if t == nil {
		return
	}
	fmt.Fprintf(t.w, "|%11s: %s\n", what, value)
}

func (t *tracer) result(expanded string, o *buf, fl flags) {
	if t == nil {
		return
	}
	fmt.Fprintf(t.w, "|--expanding: %s\n", expanded)
	if fl&skipping != 0 {
		fmt.Fprintf(t.w, "|-----result: %s\n\\___skipping: result is not used\n", o.String())
		return
	}
	fmt.Fprintf(t.w, "\\_____result: %s\n", o.String())
	if o.tainted {
		fmt.Fprintf(t.w, "       \\__(tainted)\n")
	}
}

func (t *tracer) failed(s string, err error) {
	if t == nil {
		return
	}
	fmt.Fprintf(t.w, "|failed to expand: %s\n\\___error message: %v\n", s, err)
	if IsForcedFail(err) {
		fmt.Fprintf(t.w, "\\failure was forced\n")
	}
}

func (t *tracer) condition(name string, result bool) {
	if t == nil {
		return
	}
	fmt.Fprintf(t.w, "|  condition: %s\n|     result: %v\n", name, result)
}
