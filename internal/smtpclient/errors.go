package smtpclient

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"

	"exigo/internal/item"
)

var (
	// ErrFormat: the reply was not "ddd", "ddd text" or "ddd-text", or a
	// line did not fit Exim's buffer (ERRNO_SMTPFORMAT).
	ErrFormat = errors.New("malformed SMTP reply")
	// ErrClosed: the server closed the connection.
	ErrClosed = errors.New("connection closed")

	errSynch = errors.New("synch error before connect")
)

// Errno is the errno Exim would have after err: a system errno (110 for
// a timeout), Exim's ERRNO_SMTPFORMAT, or 0 for a connection closed by
// the server (Exim reads end of file with errno 0).
func Errno(err error) int {
	var se syscall.Errno
	switch {
	case err == nil, errors.Is(err, ErrClosed), errors.Is(err, io.EOF):
		return 0
	case errors.Is(err, ErrFormat):
		return item.ErrnoSMTPFormat
	case errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return int(syscall.ETIMEDOUT)
	case errors.As(err, &se):
		return int(se)
	}
	return int(syscall.EIO)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
