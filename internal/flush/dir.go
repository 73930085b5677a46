package flush

import (
	"io/fs"
	"syscall"
)

// Dir makes a directory's entries durable (fsync of the directory).
func Dir(path string) error {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	return DirFD(fd, path)
}

// DirFD syncs an open directory; like Exim it accepts EINVAL from file
// systems that cannot sync directories.
func DirFD(fd int, path string) error {
	if err := syscall.Fsync(fd); err != nil && err != syscall.EINVAL {
		return &fs.PathError{Op: "fsync", Path: path, Err: err}
	}
	return nil
}
