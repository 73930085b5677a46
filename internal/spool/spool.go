package spool

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"

	"exigo/internal/flush"
)

// Modes Exim gives the spool (INPUT_DIRECTORY_MODE and SPOOL_MODE).
const (
	DirMode  = 0o750
	FileMode = 0o640
)

// dataStart is the length of the -D file's first line, "<id>-D\n"
// (Exim's SPOOL_DATA_START_OFFSET); Exim locks these bytes.
const dataStart = IDLength + 3

// Spool is a spool directory: input/ (split into input/<c>/ by the sixth
// character of the id with split_spool_directory), msglog/ and db/.
type Spool struct {
	Dir   string
	Split bool

	// dirs caches the open input directories: index 0 for input/ itself,
	// 1+digit for input/<digit>/.
	dirs   [63]atomic.Pointer[inputDir]
	dirsMu sync.Mutex // serialises creating them

	recycle bool // see Recycle

	msglogMu sync.Mutex
	received map[string]string // see NoteReceived
}

// Open opens the spool at dir, making its directories when missing.
func Open(dir string, split bool) (*Spool, error) {
	sp := &Spool{Dir: dir, Split: split}
	for _, sub := range []string{"", "input", "msglog", "db"} {
		if err := makeDir(filepath.Join(dir, sub)); err != nil {
			return nil, err
		}
	}
	return sp, nil
}

// makeDir creates a directory and, when it was missing, makes its entry
// durable by syncing the parent.
func makeDir(path string) error {
	err := os.Mkdir(path, DirMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		if err = makeDir(filepath.Dir(path)); err == nil {
			err = os.Mkdir(path, DirMode)
		}
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return flush.Dir(filepath.Dir(path))
}

// Subdir is the input/ and msglog/ subdirectory of a message: its id's
// sixth character with split_spool_directory, "" without.
func (sp *Spool) Subdir(id string) string {
	if sp.Split && len(id) > 5 {
		return id[5:6]
	}
	return ""
}

// InputPath is the path of a file of message id in input/, suffix being
// "-D", "-H" or "-J".
func (sp *Spool) InputPath(id, suffix string) string {
	return filepath.Join(sp.Dir, "input", sp.Subdir(id), id+suffix)
}

// MsglogPath is the path of the message log of id.
func (sp *Spool) MsglogPath(id string) string {
	return filepath.Join(sp.Dir, "msglog", sp.Subdir(id), id)
}

// OpenMsglog opens the message log of id for appending, creating it (and
// its directory) when missing.
func (sp *Spool) OpenMsglog(id string) (*os.File, error) {
	path := sp.MsglogPath(id)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, FileMode)
	if errors.Is(err, fs.ErrNotExist) {
		if err = makeDir(filepath.Dir(path)); err != nil {
			return nil, err
		}
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, FileMode)
	}
	return f, err
}

// input returns the open input directory for id, creating it first.
func (sp *Spool) input(id string) (*inputDir, error) {
	sub := sp.Subdir(id)
	slot := 0
	if sub != "" {
		slot = 1 + digitValue(sub[0])
		if slot == 0 {
			return nil, fmt.Errorf("spool: bad message id %q", id)
		}
	}
	if d := sp.dirs[slot].Load(); d != nil {
		return d, nil
	}
	sp.dirsMu.Lock()
	defer sp.dirsMu.Unlock()
	if d := sp.dirs[slot].Load(); d != nil {
		return d, nil
	}
	d, err := openInputDir(filepath.Join(sp.Dir, "input", sub))
	if err != nil {
		return nil, err
	}
	sp.dirs[slot].Store(d)
	return d, nil
}

// Close releases the directory descriptors the spool keeps open.
func (sp *Spool) Close() error {
	sp.dirsMu.Lock()
	defer sp.dirsMu.Unlock()
	for i := range sp.dirs {
		if d := sp.dirs[i].Swap(nil); d != nil {
			syscall.Close(d.fd)
		}
	}
	return nil
}
