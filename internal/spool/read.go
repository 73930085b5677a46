package spool

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"exigo/internal/plainfile"
)

// ReadHeader reads the -H file of a queued message and sets BodySize from
// its -D file. Like Exim it looks in both the split and the unsplit
// input directory, the configured one first.
func (sp *Spool) ReadHeader(id string) (*Header, error) {
	var h *Header
	var err error
	for _, sub := range sp.searchOrder(id) {
		h, err = ReadHeaderFile(filepath.Join(sp.Dir, "input", sub, id+"-H"))
		if !errors.Is(err, fs.ErrNotExist) {
			if h != nil {
				h.BodySize = dataSize(filepath.Join(sp.Dir, "input", sub, id+"-D"))
			}
			return h, err
		}
	}
	return h, err
}

// searchOrder gives the subdirectories where a message may be: files
// left over from before split_spool_directory changed are found too.
func (sp *Spool) searchOrder(id string) []string {
	if len(id) < 6 {
		return []string{""}
	}
	if sp.Split {
		return []string{id[5:6], ""}
	}
	return []string{"", id[5:6]}
}

// dataSize is the size of a -D file less its id line, 0 when missing.
func dataSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size() - dataStart
}

// ErrLocked is returned by OpenData when another process or goroutine
// holds the message's lock.
var ErrLocked = errors.New("spool file is locked")

// OpenData opens the -D file of a queued message and write-locks its
// first line as Exim's spool_open_datafile does, so that no one else
// (exigo or Exim) works on the message until the file is closed. The lock
// is an open file description lock: use it rather than classic fcntl
// locks in this process, which any close of the file would drop.
func (sp *Spool) OpenData(id string) (*os.File, error) {
	var err error
	for _, sub := range sp.searchOrder(id) {
		path := filepath.Join(sp.Dir, "input", sub, id+"-D")
		var f *os.File
		f, err = plainfile.Open(path, os.O_RDWR|os.O_APPEND|syscall.O_NOFOLLOW, 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		locked, lerr := lockDataSoon(int(f.Fd()))
		if lerr != nil || !locked {
			f.Close()
			if lerr == nil {
				lerr = ErrLocked
			}
			return nil, lerr
		}
		if !sameFile(f, path) {
			// Finished (and perhaps recycled) between open and lock.
			f.Close()
			return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
		}
		return f, nil
	}
	return nil, err
}

// sameFile reports whether the open file still has the name path.
func sameFile(f *os.File, path string) bool {
	var a, b syscall.Stat_t
	if syscall.Fstat(int(f.Fd()), &a) != nil || syscall.Stat(path, &b) != nil {
		return false
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}
