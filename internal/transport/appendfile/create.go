package appendfile

import (
	"os"
	"path/filepath"
	"strings"
)

// creationAllowed applies create_file (Exim's check_creation): with a
// home directory known, "inhome" allows files directly in it and
// "belowhome" anywhere under it, checked against symbolic links too.
func creationAllowed(file string, create int, home string) bool {
	if home == "" || create == createAnywhere {
		return true
	}
	for strings.HasPrefix(file, "//") {
		file = file[1:]
	}
	if !strings.HasPrefix(file, home) || len(file) <= len(home) || file[len(home)] != '/' {
		return false
	}
	below := file[len(home)+1:]
	if strings.Contains(below[min(1, len(below)):], "/") &&
		(create != createBelowHome || strings.Contains(file[len(home):], "/../")) {
		return false
	}
	if create == createBelowHome {
		return realPathBelow(file, home)
	}
	return true
}

// realPathBelow checks that the longest existing directory of file
// really lies under home, symbolic links resolved.
func realPathBelow(file, home string) bool {
	dir := file
	real := ""
	for {
		i := strings.LastIndexByte(dir, '/')
		if i <= 0 {
			break
		}
		dir = dir[:i]
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			real = r
			break
		}
	}
	if real == "" {
		return true // nothing exists: no links to worry about
	}
	rhome := home
	if r, err := filepath.EvalSymlinks(home); err == nil {
		rhome = r
	}
	n := min(len(real), len(rhome))
	return real[:n] == rhome[:n]
}

// makeDirs creates the missing directories of path with mode, as Exim's
// directory_make under Exim's umask of zero: the mode is set exactly.
func makeDirs(path string, mode uint32) error {
	for i := 1; i <= len(path); i++ {
		if i < len(path) && path[i] != '/' {
			continue
		}
		p := path[:i]
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := os.Mkdir(p, os.FileMode(mode&0o777)); err != nil && !os.IsExist(err) {
			return err
		}
		os.Chmod(p, fileMode(mode))
	}
	return nil
}

// fileMode turns a Unix mode into Go's, keeping setuid, setgid, sticky.
func fileMode(m uint32) os.FileMode {
	fm := os.FileMode(m & 0o777)
	if m&0o4000 != 0 {
		fm |= os.ModeSetuid
	}
	if m&0o2000 != 0 {
		fm |= os.ModeSetgid
	}
	if m&0o1000 != 0 {
		fm |= os.ModeSticky
	}
	return fm
}
