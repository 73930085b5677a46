package lookup

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// dsearchDriver looks for a directory entry named by the key.
type dsearchDriver struct{}

func (dsearchDriver) Name() string { return "dsearch" }
func (dsearchDriver) Kind() Kind   { return SingleKeyDir }

func init() { Register(dsearchDriver{}) }

// Open checks that the directory can be opened, as Exim's opendir does;
// nothing is kept open.
func (dsearchDriver) Open(dir string, _ []string) (Handle, error) {
	fd, err := syscall.Open(sysPath(dir), syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, openFailed(dir, "directory search", err)
	}
	syscall.Close(fd)
	return dsearchHandle{dir: dir}, nil
}

type dsearchHandle struct{ dir string }

func (dsearchHandle) Close() error { return nil }

// Find lstats dir/key. Options: ret=full gives the whole path;
// filter=file|dir|subdir restricts the kind of entry ("subdir" is a
// directory other than "." and "..").
func (h dsearchHandle) Find(key string, opts []string) (string, bool, error) {
	if strings.Contains(key, "/") {
		return "", false, deferf("key for dsearch lookup contains a slash: %s", key)
	}
	path := h.dir + "/" + key
	fi, err := os.Lstat(sysPath(path))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", false, nil
		}
		return "", false, deferf("%s: lstat failed", path)
	}
	retFull := false
	for _, o := range opts {
		switch o {
		case "ret=full":
			retFull = true
		case "filter=file":
			if !fi.Mode().IsRegular() {
				return "", false, nil
			}
		case "filter=dir":
			if !fi.IsDir() {
				return "", false, nil
			}
		case "filter=subdir":
			if !fi.IsDir() || key == "." || key == ".." {
				return "", false, nil
			}
		}
	}
	if retFull {
		return path, true, nil
	}
	return key, true, nil
}
