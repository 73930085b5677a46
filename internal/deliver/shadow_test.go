package deliver

import (
	"syscall"
	"testing"

	"exigo/internal/item"
)

// The ST= item as Exim's deliver.c builds it from the shadow's outcome.
func TestShadowMessage(t *testing.T) {
	for _, c := range []struct {
		r     item.Result
		errno int
		msg   string
		want  string
	}{
		{item.OK, 0, "", " ST=copy"},
		{item.Defer, item.ErrnoFilterFail, "transport filter process failed (1)", " ST=copy (transport filter process failed (1))"},
		{item.Defer, int(syscall.EACCES), "failed to open /x", " ST=copy (Permission denied: failed to open /x)"},
		{item.Defer, int(syscall.EACCES), "", " ST=copy (Permission denied)"},
		{item.Fail, 0, "", " ST=copy (unknown error)"},
	} {
		a := &item.Address{Result: c.r, BasicErrno: c.errno, Message: c.msg}
		if got := shadowMessage("copy", a); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}
