package eximlog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"exigo/internal/syserr"
)

// Modes Exim gives the log files and directories it creates.
const (
	logFileMode = 0o640
	logDirMode  = 0o750
)

// logFile is the main or the reject log, kept open between writes and
// reopened when the date in its name changes or the file is moved away.
type logFile struct {
	mu   sync.Mutex
	kind string // "main" or "reject"
	tmpl pathTemplate

	f    *os.File
	name string // the name f was opened under
	ino  uint64
	date string // the datestamp in name
}

// write appends rec with one write(2) on an O_APPEND descriptor, so lines
// from other goroutines and processes never interleave.
func (lf *logFile) write(rec []byte, now time.Time) error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if err := lf.ready(now); err != nil {
		return err
	}
	n, err := lf.f.Write(rec)
	if err != nil || n != len(rec) {
		return writeFailure(lf.kind, len(rec), n, err)
	}
	return nil
}

// ready makes f the file to write to now, as Exim checks before each
// write: a new date closes the old file, and so does a name that no
// longer leads to the open file (logrotate moved it).
func (lf *logFile) ready(now time.Time) error {
	name, date := lf.nameAt(now)
	if lf.f != nil && name != lf.name {
		lf.closeFile()
	}
	if lf.f != nil {
		var st syscall.Stat_t
		if syscall.Stat(lf.name, &st) != nil || st.Ino != lf.ino {
			lf.closeFile()
		}
	}
	if lf.f != nil {
		return nil
	}
	f, err := openLog(name)
	if err != nil {
		return openFailure(lf.kind, name, err)
	}
	var st syscall.Stat_t
	if syscall.Fstat(int(f.Fd()), &st) == nil {
		lf.ino = st.Ino
	}
	lf.f, lf.name, lf.date = f, name, date
	return nil
}

// nameAt is the file name for a write at now, and its datestamp.
func (lf *logFile) nameAt(now time.Time) (name, date string) {
	if lf.tmpl.stamp == 0 {
		if lf.name == "" {
			lf.name, _ = lf.tmpl.format(lf.kind, "")
		}
		return lf.name, ""
	}
	date = datestamp(now, lf.tmpl.stamp)
	if lf.f != nil && date == lf.date {
		return lf.name, date
	}
	name, _ = lf.tmpl.format(lf.kind, date)
	return name, date
}

func (lf *logFile) closeFile() {
	if lf.f != nil {
		lf.f.Close()
		lf.f = nil
	}
	lf.ino = 0
}

func (lf *logFile) close() error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	var err error
	if lf.f != nil {
		err = lf.f.Close()
		lf.f = nil
	}
	return err
}

// appendFile writes rec to a file opened for this write only (the panic
// log, which Exim does not keep open).
func appendFile(name string, rec []byte) error {
	f, err := openLog(name)
	if err != nil {
		return err
	}
	n, err := f.Write(rec)
	cerr := f.Close()
	if err == nil && n != len(rec) {
		err = syscall.EIO
	}
	if err == nil {
		err = cerr
	}
	return err
}

// openLog opens a log file for appending, creating it (mode 0640) and
// its directories (0750) when missing.
func openLog(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if !errors.Is(err, os.ErrNotExist) {
		return f, err
	}
	f, err = createLog(name)
	if errors.Is(err, os.ErrNotExist) {
		if derr := makeDirs(filepath.Dir(name)); derr != nil {
			return nil, err
		}
		f, err = createLog(name)
	}
	return f, err
}

// createLog creates name with exactly Exim's mode whatever the umask; a
// file that appeared meanwhile is simply opened.
func createLog(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, logFileMode)
	if errors.Is(err, os.ErrExist) {
		return os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	}
	if err == nil {
		f.Chmod(logFileMode)
	}
	return f, err
}

// makeDirs creates the missing directories of dir with mode 0750.
func makeDirs(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := makeDirs(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, logDirMode); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return os.Chmod(dir, logDirMode)
}

// openFailure is Exim's panic text for a log it cannot open.
func openFailure(kind, name string, err error) error {
	return plainError(fmt.Sprintf("Cannot open %s log file \"%s\": %s: euid=%d egid=%d",
		kind, name, syserr.Of(unwrapErrno(err)), os.Geteuid(), os.Getegid()))
}

// writeFailure is Exim's panic text for a failed log write.
func writeFailure(kind string, length, written int, err error) error {
	errno, text := 0, "write incomplete"
	if e, ok := unwrapErrno(err).(syscall.Errno); ok {
		errno, text = int(e), syserr.Of(e)
	}
	if err != nil && written == 0 {
		written = -1
	}
	return plainError(fmt.Sprintf("failed to write to %s log: length=%d result=%d errno=%d (%s)",
		kind, length, written, errno, text))
}

func unwrapErrno(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return err
}
