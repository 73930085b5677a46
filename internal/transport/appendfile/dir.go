package appendfile

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"exigo/internal/expand"
	"exigo/internal/flush"
	"exigo/internal/item"
	"exigo/internal/regex"
	"exigo/internal/transport"
)

// toDirectory writes the message as a new file in a directory: the
// creation check, Maildir's directories, the quota count, then Maildir
// or a directory_file name.
func (x *delivery) toDirectory() {
	o, a, path := x.o, x.a, x.path
	if !creationAllowed(path+"/any", o.createFile, a.Home) {
		setResult(a, item.Defer, item.ErrnoBadCreate,
			"tried to create file in %s, but file creation outside the home directory is not permitted", path)
		return
	}
	if o.maildir && !x.ensureMaildir(path) {
		return
	}
	if !x.countDirectory(path) {
		return
	}
	if o.maildir {
		x.toMaildir(path)
		return
	}
	x.toNamedFile(path)
}

// countDirectory finds the mailbox size and file count for the quota
// checks when they are needed and not given by mailbox_size and
// mailbox_filecount.
func (x *delivery) countDirectory(path string) bool {
	o, q, a := x.o, &x.q, x.a
	if q.quota <= 0 && !q.thresholdCheck() {
		return true
	}
	var re *regex.Regexp
	if o.quotaSizeRegex != "" {
		var err error
		if re, err = regex.Compile(o.quotaSizeRegex); err != nil {
			setResult(a, item.Defer, 0, "appendfile: regular expression error: %s while compiling %s", err, o.quotaSizeRegex)
			return false
		}
	}
	check := path
	if o.quotaDirectory != "" {
		d, err := x.dv.Ctx.Expand(o.quotaDirectory)
		if err != nil {
			panicResult(a, 0, "Expansion of \"%s\" (quota_directory name for %s transport) failed: %s",
				o.quotaDirectory, x.t.d.Name, err)
			return false
		}
		if !strings.HasPrefix(d, "/") {
			setResult(a, item.Defer, item.ErrnoNotAbsolute, "appendfile: quota_directory name \"%s\" is not absolute", d)
			return false
		}
		check = d
	} else if o.maildir {
		check = maildirQuotaPath(path)
	}
	if q.mailboxSize < 0 || (q.mailboxCount < 0 && q.filecount > 0) {
		var count int64
		size := dirSize(check, &count, re)
		if q.mailboxSize < 0 {
			q.mailboxSize = size
		}
		if q.mailboxCount < 0 {
			q.mailboxCount = count
		}
	}
	return true
}

// maildirQuotaPath: a Maildir++ folder (one with a maildirfolder file)
// counts against its parent, the real inbox.
func maildirQuotaPath(path string) string {
	if _, err := os.Stat(path + "/maildirfolder"); err != nil {
		return path
	}
	p := strings.TrimSuffix(path, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return path
}

// tempNames keeps the temp.<pid>.<host> names in use by deliveries of
// this process: Exim relies on the pid alone, which goroutines share.
var tempNames = struct {
	sync.Mutex
	inUse map[string]bool
}{inUse: map[string]bool{}}

func claimTempName(base string) string {
	tempNames.Lock()
	defer tempNames.Unlock()
	name := base
	for n := 1; tempNames.inUse[name]; n++ {
		name = base + "." + strconv.Itoa(n)
	}
	tempNames.inUse[name] = true
	return name
}

func releaseTempName(name string) {
	tempNames.Lock()
	delete(tempNames.inUse, name)
	tempNames.Unlock()
}

// toNamedFile writes a temporary file, then links it to the expansion
// of directory_file (with $inode set), trying again for up to five
// seconds while the name exists and changes between expansions.
func (x *delivery) toNamedFile(path string) {
	o := x.o
	filename := claimTempName(fmt.Sprintf("%s/temp.%d.%s", path, os.Getpid(), x.hostname))
	defer releaseTempName(filename)
	fd, err := syscall.Open(filename, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_CLOEXEC, o.mode)
	if err == syscall.ENOENT && o.createDirectory {
		if err = makeDirs(path, o.dirMode); err == nil {
			fd, err = syscall.Open(filename, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, o.mode)
		}
	}
	if err != nil {
		x.fail(err, "while creating file %s", filename)
		return
	}
	f := os.NewFile(uintptr(fd), filename)
	if err := chownChmod(filename, x.uid, x.gid, o.mode); err != nil {
		f.Close()
		os.Remove(filename)
		x.fail(err, "while setting perms on file %s", filename)
		return
	}
	if !x.writeMessage(f, filename, false, time.Time{}) {
		f.Close()
		os.Remove(filename)
		return
	}
	inode, ok := x.closeWritten(f, filename)
	if !ok {
		os.Remove(filename)
		return
	}
	x.dv.Vars["inode"] = transport.Var{Value: strconv.FormatUint(inode, 10)}
	if !x.linkUnique(path, filename) {
		os.Remove(filename)
		return
	}
	os.Remove(filename)
	x.syncDir(path)
}

// closeWritten closes a written file, returning its inode number.
func (x *delivery) closeWritten(f *os.File, filename string) (uint64, bool) {
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		f.Close()
		x.fail(err, "while fstatting opened message file %s", filename)
		return 0, false
	}
	if err := f.Close(); err != nil {
		x.fail(err, "close() error for %s", filename)
		return 0, false
	}
	return st.Ino, true
}

// linkUnique links the temporary file to its directory_file name.
func (x *delivery) linkUnique(path, filename string) bool {
	o, a := x.o, x.a
	old := ""
	for i := 0; ; i++ {
		leaf, err := x.dv.Ctx.Expand(o.dirFile)
		if err != nil {
			panicResult(a, 0, "Expansion of \"%s\" (directory_file for %s transport) failed: %s", o.dirFile, x.t.d.Name, err)
			return false
		}
		target := path + "/" + leaf
		err = os.Link(filename, target)
		if err == nil {
			return true
		}
		if transport.Errno(err) != int(syscall.EEXIST) || i >= 4 || leaf == old {
			x.fail(err, "while renaming %s as %s", filename, target)
			return false
		}
		old = leaf
		time.Sleep(time.Second)
	}
}

// syncDir makes a new directory entry durable before OK is reported,
// or leaves that to the caller when it asked to share the fsync.
func (x *delivery) syncDir(dir string) {
	if x.env.DeferDirSync && x.a.Result == item.OK {
		x.a.SyncDir = dir
		return
	}
	if err := flush.Dir(dir); err != nil && x.a.Result == item.OK {
		x.fail(err, "while syncing directory %s", dir)
	}
}

// expandTag expands maildir_tag and keeps the printing characters but
// '/', with a ':' in front when it starts with a letter or digit.
func expandTag(ctx *expand.Context, tag string) (string, bool) {
	v, err := ctx.Expand(tag)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c > ' ' && c < 0x7f && c != '/' {
			if b.Len() == 0 && isAlnum(c) {
				b.WriteByte(':')
			}
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
