package appendfile

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"exigo/internal/item"
	"exigo/internal/syserr"
)

// errnoExistRace is Exim's ERRNO_EXISTRACE: a mailbox that kept
// appearing and disappearing.
const errnoExistRace = -3

// toFile appends the message to a mailbox file: lock file first, then
// the file opened with care (owner, mode, links, inode re-checked after
// the open), then the fcntl/flock lock, then the write; a failed write
// is cut back off the file.
func (x *delivery) toFile() {
	o, a := x.o, x.a
	filename := x.path
	if filename == "/dev/null" {
		a.Result = item.OK
		return
	}
	allow := creationAllowed(filename, o.createFile, a.Home)
	if o.createDirectory && allow {
		dir := filename[:strings.LastIndexByte(filename, '/')]
		if err := makeDirs(dir, o.dirMode); err != nil {
			x.fail(err, "failed to create directories for %s: %s", dir, syserr.Of(err))
			return
		}
	}
	if o.useLockfile {
		lockname := x.makeLockfile(filename)
		if lockname == "" {
			return
		}
		defer syscall.Unlink(lockname)
	}
	f, fifo := x.openMailbox(filename, allow)
	if f == nil {
		return
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		f.Close()
		x.fail(err, "while fstatting opened mailbox %s", filename)
		return
	}
	atime := time.Unix(st.Atim.Sec, st.Atim.Nsec)
	mtime := time.Unix(st.Mtim.Sec, st.Mtim.Nsec)
	saved := st.Size
	if x.q.mailboxSize < 0 {
		x.q.mailboxSize = saved
	}
	x.q.mailboxCount = 0
	if x.writeMessage(f, filename, fifo, atime) {
		mtime = time.Now()
	} else if !fifo {
		f.Truncate(saved)
	}
	os.Chtimes(filename, atime, mtime)
	if err := f.Close(); err != nil && a.Result == item.OK {
		x.fail(err, "while closing %s", filename)
	}
}

// openMailbox opens (or creates) the mailbox and locks it, retrying
// lock_retries times; it returns nil after recording the failure.
func (x *delivery) openMailbox(filename string, allow bool) (f *os.File, fifo bool) {
	o := x.o
	useLstat, opened := true, false
	i := 0
	for ; i < o.lockRetries; i++ {
		opened = false
		fd, isFifo, retry := x.openOnce(filename, allow, &useLstat)
		if retry == retryAgain {
			continue
		}
		if retry == retryAgainUncounted {
			i--
			continue
		}
		if fd < 0 {
			return nil, false
		}
		opened = true
		if !o.useFcntl && !o.useFlock {
			return os.NewFile(uintptr(fd), filename), isFifo
		}
		ok, timedOut := x.applyLock(fd)
		if ok {
			return os.NewFile(uintptr(fd), filename), isFifo
		}
		syscall.Close(fd)
		useLstat = true
		longest := max(o.fcntlTimeout, o.flockTimeout)
		if timedOut && time.Duration(i+1)*longest >= time.Duration(o.lockRetries)*o.lockInterval {
			i = o.lockRetries
		}
		if i < o.lockRetries && o.fcntlTimeout <= 0 && o.flockTimeout <= 0 {
			time.Sleep(o.lockInterval)
		}
	}
	if !opened {
		setResult(x.a, item.Defer, errnoExistRace, "mailbox %s: existence unclear", filename)
		x.a.Freeze = true
	} else {
		setResult(x.a, item.Defer, item.ErrnoLock, "failed to lock mailbox %s (fcntl/flock)", filename)
	}
	return nil, false
}

const (
	retryNone           = iota
	retryAgain          // go round the open loop again
	retryAgainUncounted // again, not counting this round (a symlink followed)
)

// openOnce is one round of the open loop: create the mailbox, or check
// and open the existing one. It returns a descriptor, or -1 after
// recording a failure, or asks for another round.
func (x *delivery) openOnce(filename string, allow bool, useLstat *bool) (fd int, fifo bool, retry int) {
	o, a := x.o, x.a
	var st syscall.Stat_t
	var err error
	if *useLstat {
		err = syscall.Lstat(filename, &st)
	} else {
		err = syscall.Stat(filename, &st)
	}
	if err != nil {
		return x.createMailbox(filename, allow, *useLstat, err)
	}
	oldmode := st.Mode
	inode := st.Ino
	islink := oldmode&syscall.S_IFMT == syscall.S_IFLNK
	link := ""
	if islink {
		link = " (symlink)"
	}
	switch {
	case o.checkOwner && int(st.Uid) != x.uid:
		setResult(a, item.Defer, item.ErrnoBadUGID, "mailbox %s%s has wrong uid (%d != %d)", filename, link, st.Uid, x.uid)
		return -1, false, retryNone
	case o.checkGroup && int(st.Gid) != x.gid:
		setResult(a, item.Defer, item.ErrnoBadUGID, "mailbox %s%s has wrong gid (%d != %d)", filename, link, st.Gid, x.gid)
		return -1, false, retryNone
	case st.Nlink != 1:
		setResult(a, item.Defer, item.ErrnoNotRegular, "mailbox %s%s has too many links (%d)", filename, link, st.Nlink)
		return -1, false, retryNone
	}
	if islink && o.allowSymlink {
		*useLstat = false
		return -1, false, retryAgainUncounted
	}
	if o.allowFifo && oldmode&syscall.S_IFMT == syscall.S_IFIFO {
		fifo = true
	} else if oldmode&syscall.S_IFMT != syscall.S_IFREG {
		orPipe := ""
		if o.allowFifo {
			orPipe = " or named pipe"
		}
		setResult(a, item.Defer, item.ErrnoNotRegular, "mailbox %s is not a regular file%s", filename, orPipe)
		return -1, false, retryNone
	}
	perm, ok := x.fixMode(filename, oldmode&0o7777)
	if !ok {
		return -1, false, retryNone
	}
	return x.openExisting(filename, fifo, inode, perm, useLstat)
}

// fixMode narrows the mailbox's permissions to mode when that only takes
// bits away; wider permissions needed fail when mode_fail_narrower.
func (x *delivery) fixMode(filename string, oldmode uint32) (uint32, bool) {
	mode := x.o.mode
	if oldmode == mode {
		return oldmode, true
	}
	diffs := oldmode ^ mode
	if diffs&oldmode == diffs {
		if err := syscall.Chmod(filename, mode); err != nil {
			x.fail(err, "attempting to chmod mailbox %s", filename)
			return 0, false
		}
		return mode, true
	}
	if x.o.modeFailNarrower {
		setResult(x.a, item.Defer, item.ErrnoBadMode, "mailbox %s has the wrong mode %o (%o expected)", filename, oldmode, mode)
		return 0, false
	}
	return oldmode, true
}

// createMailbox handles a mailbox that stat() did not find.
func (x *delivery) createMailbox(filename string, allow, useLstat bool, statErr error) (int, bool, int) {
	o, a := x.o, x.a
	if statErr != syscall.ENOENT {
		x.fail(statErr, "attempting to stat mailbox %s", filename)
		return -1, false, retryNone
	}
	if o.fileMustExist {
		x.fail(statErr, "mailbox %s does not exist, but file_must_exist is set", filename)
		return -1, false, retryNone
	}
	if !allow {
		setResult(a, item.Defer, item.ErrnoBadCreate,
			"mailbox %s does not exist, but creation outside the home directory is not permitted", filename)
		return -1, false, retryNone
	}
	flags := syscall.O_RDWR | syscall.O_APPEND | syscall.O_CREAT | syscall.O_CLOEXEC
	if useLstat {
		flags |= syscall.O_EXCL
	}
	fd, err := syscall.Open(filename, flags, o.mode)
	if err != nil {
		if err == syscall.EEXIST {
			return -1, false, retryAgain
		}
		x.fail(err, "while creating mailbox %s", filename)
		if a.File != "" && (err == syscall.EPERM || err == syscall.ENOENT || err == syscall.EACCES) {
			a.Result = item.Fail
		}
		return -1, false, retryNone
	}
	if err := chownChmod(filename, x.uid, x.gid, o.mode); err != nil {
		syscall.Close(fd)
		x.fail(err, "while setting perms on mailbox %s", filename)
		a.Result = item.Fail
		return -1, false, retryNone
	}
	return fd, false, retryNone
}

// openExisting opens a checked mailbox and makes sure it is still the
// file that was checked.
func (x *delivery) openExisting(filename string, fifo bool, inode uint64, perm uint32, useLstat *bool) (int, bool, int) {
	o, a := x.o, x.a
	flags := syscall.O_RDWR | syscall.O_APPEND | syscall.O_CLOEXEC
	if fifo {
		flags = syscall.O_WRONLY | syscall.O_NDELAY | syscall.O_CLOEXEC
	}
	fd, err := syscall.Open(filename, flags, o.mode)
	if err != nil {
		if err == syscall.ENOENT {
			*useLstat = true
			return -1, false, retryAgain
		}
		x.fail(err, "while opening mailbox %s", filename)
		if fifo {
			a.Message = "while opening named pipe " + filename + " (could mean no process is reading it)"
		} else if err == syscall.EWOULDBLOCK {
			a.Message = ""
		}
		return -1, false, retryNone
	}
	var st syscall.Stat_t
	msg := ""
	errno := 0
	kind := "regular file"
	if fifo {
		kind = "named pipe"
	}
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		x.fail(err, "attempting to stat open mailbox %s", filename)
		return -1, false, retryNone
	}
	wantType := uint32(syscall.S_IFREG)
	if fifo {
		wantType = syscall.S_IFIFO
	}
	switch {
	case st.Ino != inode:
		errno, msg = item.ErrnoInode, fmtS("opened mailbox %s inode number changed from %d to %d", filename, inode, st.Ino)
	case st.Mode&syscall.S_IFMT != wantType:
		errno, msg = item.ErrnoNotRegular, fmtS("opened mailbox %s is no longer a %s", filename, kind)
	case (o.checkOwner && int(st.Uid) != x.uid) || (o.checkGroup && int(st.Gid) != x.gid):
		errno, msg = item.ErrnoBadUGID, fmtS("opened mailbox %s has wrong uid or gid", filename)
	case st.Mode&0o7777 != perm:
		errno, msg = item.ErrnoBadMode, fmtS("opened mailbox %s has wrong mode %o (%o expected)", filename, st.Mode&0o7777, o.mode)
	}
	if msg != "" {
		syscall.Close(fd)
		setResult(a, item.Defer, errno, "%s", msg)
		a.Freeze = true
		return -1, false, retryNone
	}
	return fd, fifo, retryNone
}

func fmtS(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func chownChmod(path string, uid, gid int, mode uint32) error {
	if err := syscall.Chown(path, uid, gid); err != nil {
		return err
	}
	return syscall.Chmod(path, mode)
}
