package spool

import (
	"strconv"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// Creating a file allocates its inode while holding the directory's lock,
// and ext4's allocator can take long there; with many writers in one input
// directory that lock was the bottleneck. An O_TMPFILE file is allocated
// without the directory lock and given its name afterwards by linkat,
// which is quick and atomic: a file so named appears complete, and one
// never named vanishes with its writer, leaving nothing to tidy.

// noTmpfile is set once the file system refuses O_TMPFILE; the classic
// create and rename are used from then on.
var noTmpfile atomic.Bool

// openTmpfile opens an unnamed file in dir; ok is false when O_TMPFILE is
// not supported there.
func openTmpfile(dirfd int) (fd int, ok bool, err error) {
	if noTmpfile.Load() {
		return -1, false, nil
	}
	fd, err = syscall.Openat(dirfd, ".", unix.O_TMPFILE|syscall.O_RDWR|syscall.O_CLOEXEC, FileMode)
	switch err {
	case nil:
		return fd, true, nil
	case syscall.EOPNOTSUPP, syscall.EISDIR, syscall.EINVAL:
		noTmpfile.Store(true)
		return -1, false, nil
	}
	return -1, false, err
}

// procLink is set once linkat(AT_EMPTY_PATH) was refused (it needs
// CAP_DAC_READ_SEARCH): the /proc/self/fd path does the same without it.
var procLink atomic.Bool

// linkTmpfile names an O_TMPFILE file; it fails with EEXIST when the name
// is taken.
func linkTmpfile(fd, dirfd int, name string) error {
	if !procLink.Load() {
		err := unix.Linkat(fd, "", dirfd, name, unix.AT_EMPTY_PATH)
		if err != syscall.ENOENT && err != syscall.EPERM {
			return err
		}
		procLink.Store(true)
	}
	return unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), dirfd, name, unix.AT_SYMLINK_FOLLOW)
}
