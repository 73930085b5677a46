package appendfile

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"exigo/internal/item"
)

// Open file description locks: they conflict with the classic fcntl
// locks MUAs take, and, unlike those, they also exclude other goroutines
// of this process (deliveries may run side by side in one process).
const (
	fOFDSetlk  = 37
	fOFDSetlkw = 38
)

// lockPollInterval is how often a lock with a timeout is tried again.
const lockPollInterval = 50 * time.Millisecond

// makeLockfile creates <mailbox>.lock by hard-linking a uniquely named
// "hitching post" to it, which works over NFS (Exim's algorithm). A lock
// file older than lockfile_timeout is removed. It returns the lock
// file's name, or "" after recording why it could not be made.
func (x *delivery) makeLockfile(filename string) string {
	o := x.o
	lockname := filename + ".lock"
	hitch := claimTempName(fmt.Sprintf("%s.%s.%08x.%08x", lockname, x.hostname, uint32(time.Now().Unix()), uint32(os.Getpid())))
	defer releaseTempName(hitch)
	for i := 0; i < o.lockRetries; i++ {
		if i > 0 {
			time.Sleep(o.lockInterval)
		}
		fd, err := syscall.Open(hitch, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, o.lockfileMode)
		if err != nil {
			x.fail(err, "creating lock file hitching post %s (euid=%d egid=%d)", hitch, os.Geteuid(), os.Getegid())
			return ""
		}
		linkErr := syscall.Link(hitch, lockname)
		var st syscall.Stat_t
		if linkErr != nil {
			syscall.Fstat(fd, &st)
		}
		syscall.Close(fd)
		syscall.Unlink(hitch)
		if linkErr == nil || st.Nlink == 2 {
			return lockname
		}
		var ls syscall.Stat_t
		if o.lockfileTimeout > 0 && syscall.Stat(lockname, &ls) == nil &&
			time.Since(time.Unix(ls.Ctim.Sec, ls.Ctim.Nsec)) > o.lockfileTimeout {
			syscall.Unlink(lockname) // a stale lock left by a crash
		}
	}
	time.Sleep(o.lockInterval) // Exim sleeps after the last try too
	setResult(x.a, item.Defer, item.ErrnoLock, "failed to lock mailbox %s (lock file)", filename)
	return ""
}

// applyLock takes the configured fcntl and/or flock write lock on fd,
// waiting up to the timeouts when they are set. timedOut reports that a
// wait ran out.
func (x *delivery) applyLock(fd int) (ok, timedOut bool) {
	o := x.o
	if o.useFcntl {
		lk := syscall.Flock_t{Type: syscall.F_WRLCK}
		ok, timedOut = retryLock(o.fcntlTimeout, func() error {
			return syscall.FcntlFlock(uintptr(fd), fOFDSetlk, &lk)
		})
		if !ok {
			return false, timedOut
		}
	}
	if o.useFlock {
		ok, timedOut = retryLock(o.flockTimeout, func() error {
			return syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		})
		if !ok {
			return false, timedOut
		}
	}
	return true, false
}

// retryLock tries a non-blocking lock once, or until timeout when it is
// set (Exim's blocking lock under an alarm).
func retryLock(timeout time.Duration, try func() error) (ok, timedOut bool) {
	deadline := time.Now().Add(timeout)
	for {
		err := try()
		if err == nil {
			return true, false
		}
		if timeout <= 0 || (err != syscall.EAGAIN && err != syscall.EACCES && err != syscall.EWOULDBLOCK) {
			return false, false
		}
		if !time.Now().Before(deadline) {
			return false, true
		}
		time.Sleep(lockPollInterval)
	}
}
