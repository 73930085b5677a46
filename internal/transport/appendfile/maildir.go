package appendfile

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/regex"
	"exigo/internal/syserr"
	"exigo/internal/transport"
)

// ensureMaildir makes sure the Maildir and its tmp, new and cur exist
// (creating them when create_directory allows), and the maildirfolder
// file when the path matches maildirfolder_create_regex.
func (x *delivery) ensureMaildir(path string) bool {
	a := x.a
	for _, sub := range []string{"", "/tmp", "/new", "/cur"} {
		dir := path + sub
		j := 0
		for ; j < 10; j++ {
			st, err := os.Stat(dir)
			if err == nil {
				if st.IsDir() {
					break
				}
				setResult(a, item.Defer, item.ErrnoNotDirectory, "%s%s is not a directory", path, sub)
				return false
			}
			if os.IsNotExist(err) && x.o.createDirectory {
				if err := makeDirs(dir, x.o.dirMode); err != nil {
					if os.IsExist(err) {
						continue
					}
					x.fail(err, "cannot create %s%s", path, sub)
					return false
				}
				break
			}
			x.fail(err, "stat() error for %s%s: %s", path, sub, syserr.Of(err))
			return false
		}
		if j >= 10 {
			setResult(a, item.Defer, 0, "existence of %s%s unclear\n", path, sub)
			a.Freeze = true
			return false
		}
	}
	return x.maildirFolder(path)
}

func (x *delivery) maildirFolder(path string) bool {
	if x.o.maildirfolderRegex == "" {
		return true
	}
	re, err := regex.Compile(x.o.maildirfolderRegex)
	if err != nil {
		setResult(x.a, item.Defer, 0, "appendfile: regular expression error: %s while compiling %s", err, x.o.maildirfolderRegex)
		return false
	}
	if !re.MatchString(path) {
		return true
	}
	name := path + "/maildirfolder"
	if _, err := os.Stat(name); err == nil {
		return true
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		setResult(x.a, item.Defer, 0, "appendfile: failed to create maildirfolder file in %s directory: %s", path, syserr.Of(err))
		return false
	}
	f.Close()
	return true
}

// tick hands out the times in Maildir names: strictly increasing within
// this process, so that deliveries of one process (one pid) never share
// a name, which Exim ensures by waiting for the clock to tick.
var tick struct {
	sync.Mutex
	last time.Time
}

func nextTick() time.Time {
	tick.Lock()
	defer tick.Unlock()
	now := time.Now().Truncate(time.Microsecond)
	if !now.After(tick.last) {
		now = tick.last.Add(time.Microsecond)
	}
	tick.last = now
	return now
}

// toMaildir writes tmp/<time>.M<usec>P<pid>.<host>, then renames it into
// new/ with maildir_tag appended, and syncs new/.
func (x *delivery) toMaildir(path string) {
	o, a, name := x.o, x.a, x.t.d.Name
	if o.maildirTag != "" {
		if _, err := x.dv.Ctx.Expand(o.maildirTag); err != nil && !expand.IsForcedFail(err) {
			panicResult(a, 0, "Expansion of \"%s\" (maildir_tag for %s transport) failed: %s", o.maildirTag, name, err)
			return
		}
	}
	f, base, stamp := x.openMaildirTemp(path)
	if f == nil {
		return
	}
	defer waitTick(stamp)
	tmpName, newName := "tmp/"+base, "new/"+base
	tmpPath := path + "/" + tmpName
	if err := chownChmod(tmpPath, x.uid, x.gid, o.mode); err != nil {
		f.Close()
		os.Remove(tmpPath)
		x.fail(err, "while setting perms on maildir %s", tmpName)
		return
	}
	if !x.writeMessage(f, tmpName, false, x.newDirTime(path)) {
		f.Close()
		os.Remove(tmpPath)
		return
	}
	if _, ok := x.closeWritten(f, tmpName); !ok {
		os.Remove(tmpPath)
		return
	}
	x.renameIntoNew(path, tmpName, newName)
}

// openMaildirTemp creates the file in tmp/, trying maildir_retries
// times, two seconds apart.
func (x *delivery) openMaildirTemp(path string) (*os.File, string, time.Time) {
	o, a := x.o, x.a
	for i := 1; ; i++ {
		stamp := nextTick()
		base := fmt.Sprintf("%d.M%dP%d.%s", stamp.Unix(), stamp.Nanosecond()/1000, os.Getpid(), x.hostname)
		tmpName := "tmp/" + base
		var err error
		if _, err = os.Stat(path + "/" + tmpName); err == nil {
			err = syscall.EEXIST
		} else if os.IsNotExist(err) {
			var fd int
			fd, err = syscall.Open(path+"/"+tmpName, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, o.mode)
			if err == nil {
				return os.NewFile(uintptr(fd), path+"/"+tmpName), base, stamp
			}
		}
		if i >= o.maildirRetries {
			tries := "ies"
			if i == 1 {
				tries = "y"
			}
			x.fail(err, "failed to open %s (%d tr%s)", tmpName, i, tries)
			if e := transport.Errno(err); e == int(syscall.EDQUOT) || e == int(syscall.ENOSPC) {
				a.UserMessage = "mailbox is full"
			}
			return nil, "", time.Time{}
		}
		time.Sleep(2 * time.Second)
	}
}

// renameIntoNew moves the written file into new/, tagged; a name too
// long with its tag goes in untagged.
func (x *delivery) renameIntoNew(path, tmpName, newName string) {
	target := newName
	if x.o.maildirTag != "" {
		if tag, ok := expandTag(x.dv.Ctx, x.o.maildirTag); ok {
			target = newName + tag
		}
	}
	err := os.Rename(path+"/"+tmpName, path+"/"+target)
	if err != nil && target != newName && transport.Errno(err) == int(syscall.ENAMETOOLONG) {
		target = newName
		err = os.Rename(path+"/"+tmpName, path+"/"+target)
	}
	if err != nil {
		os.Remove(path + "/" + tmpName)
		x.fail(err, "while renaming %s as %s", tmpName, target)
		return
	}
	x.syncDir(path + "/new")
}

// newDirTime is when new/ last changed: for a quota failure, how long
// ago a mail reader last took messages out of it.
func (x *delivery) newDirTime(path string) time.Time {
	st, err := os.Stat(path + "/new")
	if err != nil {
		return time.Time{}
	}
	return st.ModTime()
}

// waitTick returns once the clock has passed the time used in a name.
func waitTick(stamp time.Time) {
	for !time.Now().Truncate(time.Microsecond).After(stamp) {
		time.Sleep(time.Microsecond)
	}
}
