package syserr

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"
)

func TestTexts(t *testing.T) {
	wrapped := fmt.Errorf("open: %w", &fs.PathError{Op: "open", Path: "/x", Err: syscall.ENOENT})
	for _, c := range []struct{ got, want string }{
		{Text(syscall.ECONNREFUSED), "Connection refused"},
		{Number(110), "Connection timed out"},
		{Number(0), ""},
		{Of(wrapped), "No such file or directory"},
		{Of(errors.New("lock timeout")), "lock timeout"},
		{Of(nil), ""},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
