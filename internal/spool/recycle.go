package spool

import (
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Recycling spool files. On ext4 without a journal the inode allocator
// passes over every inode freed in the last 5 to 35 seconds, reading each
// one's inode block, so at hundreds of messages a second creating a file
// costs more than writing it, and every file the spool deletes makes the
// next creation (a Maildir file too) slower. A process that enables
// recycling renames the -H and -D files of a finished message to
// ".spare-<id>.H" and ".spare-<id>.D" in the same directory, and a new
// message claims one by renaming it to its own name and writes over it: no
// inode is freed or allocated, and for small messages no data block
// either. The names start with a dot and end in neither -H nor -D, so
// Exim's and exigo's queue scans, Tidy and shell globs pass them by.

// spareMax bounds the spare files kept per input directory; more are
// deleted as before.
const spareMax = 512

const sparePrefix = ".spare-"

// spares are the spare files of one input directory this process knows.
// Other processes may claim the same files: a claim is a rename, which
// only one of them wins.
type spares struct {
	mu     sync.Mutex
	names  []string
	loaded bool
}

// Recycle makes this Spool reuse the files of finished messages for new
// ones. Long-running processes (the daemon) enable it.
func (sp *Spool) Recycle() { sp.recycle = true }

// take returns a spare's name, or "" when there is none.
func (d *inputDir) take() string {
	s := &d.spares
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		s.loaded = true
		s.names = d.findSpares()
	}
	n := len(s.names)
	if n == 0 {
		return ""
	}
	name := s.names[n-1]
	s.names = s.names[:n-1]
	return name
}

// give records a spare; it reports false when the directory has enough.
func (d *inputDir) give(name string) bool {
	s := &d.spares
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.names) >= spareMax {
		return false
	}
	s.names = append(s.names, name)
	return true
}

// findSpares lists the spare files earlier processes left, deleting
// those beyond spareMax.
func (d *inputDir) findSpares() []string {
	names, err := readDirNames(d.path)
	if err != nil {
		return nil
	}
	var out []string
	for _, n := range names {
		if !strings.HasPrefix(n, sparePrefix) {
			continue
		}
		if len(out) < spareMax {
			out = append(out, n)
		} else {
			syscall.Unlinkat(d.fd, n)
		}
	}
	return out
}

// claimData makes a spare the -D file name: opened, locked and renamed,
// its old contents still there to be overwritten. ok is false when no
// spare could be had.
func (d *inputDir) claimData(name string) (fd int, ok bool) {
	for tries := 0; tries < 4; tries++ {
		spare := d.take()
		if spare == "" {
			return -1, false
		}
		fd, err := syscall.Openat(d.fd, spare, syscall.O_RDWR|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
		if err != nil {
			continue // another process took it
		}
		// Locked first, so that the name never exists unlocked without
		// its -H (Tidy would remove it). A spare still locked by the
		// delivery that retired it is tried again later.
		if locked, err := lockData(fd); err != nil || !locked {
			syscall.Close(fd)
			d.give(spare)
			continue
		}
		// Not emptied: the new message overwrites it in place, reusing
		// its blocks too, and Commit cuts off the rest.
		err = renameNoReplace(d.fd, spare, name)
		if err != nil {
			syscall.Close(fd)
			if err == syscall.EEXIST {
				d.give(spare)
				return -1, false
			}
			continue
		}
		return fd, true
	}
	return -1, false
}

// claimHeader makes a spare the file name (hdr.<id>) and opens it for
// writing over; the rename is the claim, and Commit truncates the file to
// what it wrote.
func (d *inputDir) claimHeader(name string) (fd int, ok bool) {
	for tries := 0; tries < 4; tries++ {
		spare := d.take()
		if spare == "" {
			return -1, false
		}
		if err := renameNoReplace(d.fd, spare, name); err != nil {
			if err == syscall.EEXIST {
				d.give(spare)
				return -1, false
			}
			continue
		}
		fd, err := syscall.Openat(d.fd, name, syscall.O_WRONLY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
		if err != nil {
			syscall.Unlinkat(d.fd, name)
			continue
		}
		return fd, true
	}
	return -1, false
}

// retireHeader takes a finished message off the queue by renaming its -H
// file to a spare (or deleting it when there are spares enough). -H files
// are small: a claim empties them.
func (d *inputDir) retireHeader(id string) error {
	return d.retire(id+"-H", false)
}

// retireJournal deletes a -J file: they are rare.
func (d *inputDir) retireJournal(id string) error {
	return syscall.Unlinkat(d.fd, id+"-J")
}

// retireData does the same for the -D file, emptied first when it is
// large so that spares hold little disk space (at most spareKeep bytes
// each); the caller holds its lock and has retired the -H.
func (d *inputDir) retireData(id string) error {
	return d.retire(id+"-D", true)
}

// spareKeep is the largest spare kept as it is: a small file is cheaper
// to overwrite than to empty and fill again.
const spareKeep = 64 << 10

func (d *inputDir) retire(name string, data bool) error {
	if d.full() {
		return syscall.Unlinkat(d.fd, name)
	}
	if data {
		if err := emptyIfLarge(d, name); err != nil {
			return syscall.Unlinkat(d.fd, name)
		}
	}
	spare := spareName(name)
	if err := syscall.Renameat(d.fd, name, d.fd, spare); err != nil {
		return err
	}
	if !d.give(spare) {
		syscall.Unlinkat(d.fd, spare)
	}
	return nil
}

// spareName is the spare a message file becomes: "<id>-D" gives
// ".spare-<id>.D", which no reader of the spool takes for a message file.
func spareName(name string) string {
	return sparePrefix + name[:len(name)-2] + "." + name[len(name)-1:]
}

func (d *inputDir) full() bool {
	d.spares.mu.Lock()
	defer d.spares.mu.Unlock()
	return len(d.spares.names) >= spareMax
}

func emptyIfLarge(d *inputDir, name string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	if st.Size <= spareKeep {
		return nil
	}
	fd, err := syscall.Openat(d.fd, name, syscall.O_WRONLY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	return syscall.Ftruncate(fd, 0)
}

// renameNoReplace renames within one directory, failing with EEXIST
// rather than replacing the target.
func renameNoReplace(dirfd int, from, to string) error {
	err := unix.Renameat2(dirfd, from, dirfd, to, unix.RENAME_NOREPLACE)
	if errno, ok := err.(syscall.Errno); ok {
		return errno
	}
	return err
}
