package lookup

import (
	"fmt"
	"os"
	"syscall"
)

// lsKind tells the lsearch family apart; they share the file format.
type lsKind int

const (
	lsPlain lsKind = iota // literal keys
	lsWild                // keys are expanded, then matched as patterns
	lsNWild               // keys are patterns, not expanded
	lsIP                  // keys are IP addresses or networks
)

type lsDriver struct {
	name string
	kind lsKind
}

func (d lsDriver) Name() string { return d.name }
func (d lsDriver) Kind() Kind   { return SingleKey }

func init() {
	Register(lsDriver{"lsearch", lsPlain})
	Register(lsDriver{"wildlsearch", lsWild})
	Register(lsDriver{"nwildlsearch", lsNWild})
	Register(lsDriver{"iplsearch", lsIP})
}

// Open reads (or takes from the parsed-file cache) an lsearch-format file.
func (d lsDriver) Open(file string, _ []string) (Handle, error) {
	if file == "" {
		// An empty name is a file that does not exist, as Exim's fopen sees it.
		return nil, openFailed(file, "linear search", syscall.ENOENT)
	}
	f, err := os.Open(sysPath(file))
	if err != nil {
		return nil, openFailed(file, "linear search", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, openFailed(file, "linear search", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &OpenError{Msg: fmt.Sprintf("%s is not a regular file (lsearch lookup)", file)}
	}
	lf, err := loadLsFile(sysPath(file), f, fi)
	if err != nil {
		return nil, openFailed(file, "linear search", err)
	}
	return &lsHandle{file: lf, kind: d.kind}, nil
}

type lsHandle struct {
	file *lsFile
	kind lsKind
}

func (h *lsHandle) Close() error { return nil }

// ResetsNumeric: a (n)wildlsearch match unsets the numeric variables.
func (h *lsHandle) ResetsNumeric() bool { return h.kind == lsWild || h.kind == lsNWild }

// Find looks key up; the option ret=full returns the whole line.
func (h *lsHandle) Find(key string, opts []string) (string, bool, error) {
	e, err := h.match(key)
	if e == nil || err != nil {
		return "", false, err
	}
	for _, o := range opts {
		if o == "ret=full" {
			return e.full(), true, nil
		}
	}
	return e.data(), true, nil
}

func (h *lsHandle) match(key string) (*lsEntry, error) {
	switch h.kind {
	case lsIP:
		return h.file.lookupIP(key)
	case lsWild, lsNWild:
		return h.file.lookupWild(key, h.kind == lsWild)
	}
	return h.file.lookupKey(key), nil
}
