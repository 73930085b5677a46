package funcs

import (
	"strings"
	"testing"
)

// FuzzEval checks that Eval never panics and that a failure always
// reports a prefix of its input. Run: go test -fuzz FuzzEval -fuzztime 15s
func FuzzEval(f *testing.F) {
	for _, s := range []string{"1+2*3", "(1", "0x1k<<3", "-9223372036854775807-1", "~ 255&0x1234", "1/0", "08"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, decimal bool) {
		_, err := Eval(s, decimal)
		if e, ok := err.(*EvalError); ok && !strings.HasPrefix(s, e.Processed) {
			t.Fatalf("processed %q is not a prefix of %q", e.Processed, s)
		}
	})
}
