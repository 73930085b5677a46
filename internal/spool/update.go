package spool

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"exigo/internal/plainfile"
)

// Rewrite replaces a queued message's -H file durably, as the delivery
// process does after each attempt: the new contents go to hdr.<id>, are
// synced, renamed over <id>-H, and the directory is synced. The caller
// holds the message's -D lock.
func (sp *Spool) Rewrite(h *Header) error {
	dir, err := sp.input(h.ID)
	if err != nil {
		return err
	}
	tmp := "hdr." + h.ID
	fd, err := syscall.Openat(dir.fd, tmp, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, FileMode)
	if err != nil {
		return &fs.PathError{Op: "create", Path: dir.path + "/" + tmp, Err: err}
	}
	_, err = fdWriter(fd).Write(h.Encode())
	if err == nil {
		err = syscall.Fdatasync(fd)
	}
	if cerr := syscall.Close(fd); err == nil {
		err = cerr
	}
	if err == nil {
		err = syscall.Renameat(dir.fd, tmp, dir.fd, h.ID+"-H")
	}
	if err != nil {
		syscall.Unlinkat(dir.fd, tmp)
		return &fs.PathError{Op: "rewrite", Path: dir.path + "/" + h.ID + "-H", Err: err}
	}
	return dir.sync()
}

// Journal is a message's -J file: the addresses delivered during the
// current attempt, each synced as soon as it is written, so that a crash
// before the -H file is updated cannot cause a second delivery.
type Journal struct {
	f *os.File
}

// OpenJournal opens (creating or appending to) <id>-J.
func (sp *Spool) OpenJournal(id string) (*Journal, error) {
	f, err := os.OpenFile(sp.InputPath(id, "-J"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, FileMode)
	if err != nil {
		return nil, err
	}
	return &Journal{f: f}, nil
}

// Delivered records delivered addresses durably, with one sync.
func (j *Journal) Delivered(uniques ...string) error {
	var b []byte
	for _, u := range uniques {
		b = append(append(b, u...), '\n')
	}
	if _, err := j.f.Write(b); err != nil {
		return err
	}
	return j.f.Sync()
}

// Close closes the journal file (it stays until RemoveJournal).
func (j *Journal) Close() error { return j.f.Close() }

// ReadJournal returns the addresses a previous attempt recorded as
// delivered (none when there is no journal).
func (sp *Spool) ReadJournal(id string) ([]string, error) {
	f, err := plainfile.Open(sp.InputPath(id, "-J"), os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}

// RemoveJournal removes <id>-J once its contents are in the -H file.
func (sp *Spool) RemoveJournal(id string) error {
	err := os.Remove(sp.InputPath(id, "-J"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Remove takes a finished message off the queue: -H first (it is then no
// longer queued), then -J, -D and the message log.
func (sp *Spool) Remove(id string) error {
	if sp.recycle {
		return sp.retire(id)
	}
	var first error
	for _, suffix := range []string{"-H", "-J", "-D"} {
		if err := os.Remove(sp.InputPath(id, suffix)); err != nil && !errors.Is(err, fs.ErrNotExist) && first == nil {
			first = err
		}
	}
	sp.removeMsglog(id)
	return first
}

// removeMsglog removes the message log, if there is one (unlink alone:
// os.Remove would try rmdir after it fails).
func (sp *Spool) removeMsglog(id string) {
	syscall.Unlink(sp.MsglogPath(id))
}

// retire is Remove with the -H and -D files kept as spares (Recycle).
func (sp *Spool) retire(id string) error {
	d, err := sp.input(id)
	if err != nil {
		return err
	}
	var first error
	for _, f := range []func(string) error{d.retireHeader, d.retireJournal, d.retireData} {
		if err := f(id); err != nil && err != syscall.ENOENT && first == nil {
			first = &fs.PathError{Op: "remove", Path: d.path + "/" + id, Err: err}
		}
	}
	sp.removeMsglog(id)
	return first
}
