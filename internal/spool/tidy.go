package spool

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Tidy removes what crashed writers left in input/ and its
// subdirectories, and returns the paths it removed:
//   - a -D file without its -H file, unless its lock is held (a writer
//     or an Exim process is working on it), with its message log;
//   - a hdr.<id> temporary whose -D file is missing or unlocked (Exim's
//     delivery rewrites -H through hdr.<id> while it holds the lock).
//
// The lock is taken before looking for -H and kept while removing, so a
// writer that commits meanwhile is never harmed.
func (sp *Spool) Tidy() ([]string, error) {
	base := filepath.Join(sp.Dir, "input")
	names, err := readDirNames(base)
	if err != nil {
		return nil, err
	}
	var removed []string
	dirs := []string{""}
	for _, n := range names {
		if len(n) == 1 && isAlnum(n[0]) {
			dirs = append(dirs, n)
		}
	}
	for _, sub := range dirs {
		removed = append(removed, sp.tidyDir(sub)...)
	}
	return removed, nil
}

func (sp *Spool) tidyDir(sub string) []string {
	dir := filepath.Join(sp.Dir, "input", sub)
	names, err := readDirNames(dir)
	if err != nil {
		return nil
	}
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[n] = true
	}
	var removed []string
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, "hdr.") && ValidID(n[4:]):
			if sp.removeTemp(dir, n) {
				removed = append(removed, filepath.Join(dir, n))
			}
		case strings.HasSuffix(n, "-D") && ValidID(strings.TrimSuffix(n, "-D")) &&
			!have[strings.TrimSuffix(n, "-D")+"-H"]:
			id := strings.TrimSuffix(n, "-D")
			removed = append(removed, sp.removeOrphan(dir, sub, id)...)
		}
	}
	return removed
}

// withDataLock runs f while holding the lock of dir/<id>-D; missing tells
// f that there is no -D file. It returns false when the lock is held.
func withDataLock(dir, id string, f func(missing bool)) bool {
	fd, err := syscall.Open(filepath.Join(dir, id+"-D"), syscall.O_RDWR|syscall.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			f(true)
			return true
		}
		return false
	}
	defer syscall.Close(fd)
	if ok, err := lockData(fd); !ok || err != nil {
		return false
	}
	f(false)
	return true
}

func (sp *Spool) removeTemp(dir, name string) bool {
	done := false
	withDataLock(dir, name[4:], func(bool) {
		done = os.Remove(filepath.Join(dir, name)) == nil
	})
	return done
}

func (sp *Spool) removeOrphan(dir, sub, id string) []string {
	var removed []string
	withDataLock(dir, id, func(missing bool) {
		if missing {
			return
		}
		if _, err := os.Lstat(filepath.Join(dir, id+"-H")); !errors.Is(err, fs.ErrNotExist) {
			return // committed meanwhile
		}
		data := filepath.Join(dir, id+"-D")
		if os.Remove(data) != nil {
			return
		}
		removed = append(removed, data)
		msglog := filepath.Join(sp.Dir, "msglog", sub, id)
		if os.Remove(msglog) == nil {
			removed = append(removed, msglog)
		}
	})
	return removed
}
