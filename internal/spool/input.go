package spool

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
	"syscall"
)

// Input is a message being written to the spool. The message enters the
// queue when Commit renames its -H file into place; until then only the
// locked -D file exists, which Tidy removes if the writer dies.
type Input struct {
	sp   *Spool
	dir  *inputDir
	id   string
	fd   int
	w    *bufio.Writer
	size int64 // body bytes written
	// lines and zeros count newlines and binary zeros in the body.
	lines, zeros int
	// dataNamed numbers the directory fsync that makes the -D name
	// durable; Commit waits for it (usually long done by other messages'
	// commits) before naming -H, so that even on a file system without a
	// journal a durable -H never lacks its -D.
	dataNamed uint64
	reused    bool // the -D file is a recycled one (see recycle.go)
	tmpMade   bool // hdr.<id> exists
	renamed   bool // <id>-H exists
	closed    bool
}

var writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 64<<10) }}

// Begin creates input/<id>-D holding "<id>-D\n" and write-locks that line
// as Exim does.
func (sp *Spool) Begin(id string) (*Input, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("spool: bad message id %q", id)
	}
	dir, err := sp.input(id)
	if err != nil {
		return nil, err
	}
	fd, reused := -1, false
	if sp.recycle {
		fd, reused = dir.claimData(id + "-D")
	}
	if !reused {
		fd, err = createData(dir, id+"-D")
	}
	if err != nil {
		return nil, err
	}
	in := &Input{sp: sp, dir: dir, id: id, fd: fd, w: writerPool.Get().(*bufio.Writer),
		dataNamed: dir.names.Mark(), reused: reused}
	in.w.Reset(fdWriter(fd))
	in.w.WriteString(id + "-D\n")
	return in, nil
}

// createData makes the -D file locked: as an unnamed file locked before
// it is named, or else created and then locked.
func createData(dir *inputDir, name string) (int, error) {
	fd, ok, err := openTmpfile(dir.fd)
	if err != nil {
		return -1, &fs.PathError{Op: "create", Path: dir.path + "/" + name, Err: err}
	}
	if !ok {
		return createLocked(dir, name)
	}
	if locked, err := lockData(fd); err != nil || !locked {
		syscall.Close(fd)
		return -1, &fs.PathError{Op: "lock", Path: dir.path + "/" + name, Err: err}
	}
	if err := linkTmpfile(fd, dir.fd, name); err != nil {
		syscall.Close(fd)
		return -1, &fs.PathError{Op: "create", Path: dir.path + "/" + name, Err: err}
	}
	return fd, nil
}

var errRemoved = errors.New("spool file removed while being created")

// createLocked creates a file and locks it. Tidy may remove the file
// between the two steps (it takes the lock of a -D without -H): the file
// is then created again.
func createLocked(dir *inputDir, name string) (int, error) {
	for attempt := 0; ; attempt++ {
		fd, err := createLockedOnce(dir, name)
		if err != errRemoved || attempt == 3 {
			return fd, err
		}
	}
}

func createLockedOnce(dir *inputDir, name string) (int, error) {
	fd, err := syscall.Openat(dir.fd, name,
		syscall.O_RDWR|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, FileMode)
	if err != nil {
		return -1, &fs.PathError{Op: "create", Path: dir.path + "/" + name, Err: err}
	}
	locked, err := lockData(fd)
	if err == nil && !locked {
		err = errRemoved
	}
	var st syscall.Stat_t
	if err == nil {
		err = syscall.Fstat(fd, &st)
	}
	if err == nil && st.Nlink == 0 {
		err = errRemoved
	}
	if err != nil {
		syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}

// ID is the message id.
func (in *Input) ID() string { return in.id }

// Body is where the body goes: bytes as they are to be stored, with LF
// line ends (CRLF for wireformat), without dot-stuffing.
func (in *Input) Body() io.Writer { return (*bodyWriter)(in) }

// Counts are the body's newlines and binary zeros so far (Exim's
// body_linecount and body_zerocount for a body ending in a newline).
func (in *Input) Counts() (lines, zeros int) { return in.lines, in.zeros }

type bodyWriter Input

func (b *bodyWriter) Write(p []byte) (int, error) {
	if b.closed {
		return 0, errors.New("spool: write after Commit or Abort")
	}
	b.lines += bytes.Count(p, []byte{'\n'})
	if bytes.IndexByte(p, 0) >= 0 {
		b.zeros += bytes.Count(p, []byte{0})
	}
	n, err := b.w.Write(p)
	b.size += int64(n)
	return n, err
}

// Commit makes the message durable and queued: the -D file is flushed and
// synced, the -H file written to hdr.<id>, synced and renamed to <id>-H,
// and the directory synced. On error nothing of the message remains.
func (in *Input) Commit(h *Header) error {
	if in.closed {
		return errors.New("spool: Commit after Commit or Abort")
	}
	if h.ID == "" {
		h.ID = in.id
	}
	if h.ID != in.id {
		in.Abort()
		return fmt.Errorf("spool: header id %s for message %s", h.ID, in.id)
	}
	h.BodySize = in.size
	if err := in.commit(h); err != nil {
		in.Abort()
		return err
	}
	in.release()
	return nil
}

func (in *Input) commit(h *Header) error {
	if err := in.w.Flush(); err != nil {
		return in.pathErr("write", "-D", err)
	}
	if in.reused {
		// A recycled file was overwritten from the start: cut off what
		// is left of its earlier contents.
		if err := syscall.Ftruncate(in.fd, dataStart+in.size); err != nil {
			return in.pathErr("truncate", "-D", err)
		}
	}
	hfd, unnamed, err := in.headerFile()
	if err != nil {
		return err
	}
	data := h.Encode()
	if _, err := fdWriter(hfd).Write(data); err != nil {
		syscall.Close(hfd)
		return in.pathErr("write", "-H", err)
	}
	if err := syscall.Ftruncate(hfd, int64(len(data))); err != nil {
		syscall.Close(hfd)
		return in.pathErr("truncate", "-H", err)
	}
	err = in.dir.commitHeader(in, hfd, unnamed)
	if cerr := syscall.Close(hfd); err == nil && cerr != nil {
		err = in.pathErr("close", "", cerr)
	}
	return err
}

// headerFile opens the file the -H data goes to: an unnamed file, or else
// hdr.<id> (removing a leftover of that name once, as Exim does).
func (in *Input) headerFile() (fd int, unnamed bool, err error) {
	if in.sp.recycle {
		if fd, ok := in.dir.claimHeader(in.tmpName()); ok {
			in.tmpMade = true
			return fd, false, nil
		}
	}
	fd, ok, err := openTmpfile(in.dir.fd)
	if ok || err != nil {
		if err != nil {
			return -1, false, in.pathErr("create", "-H", err)
		}
		return fd, true, nil
	}
	flags := syscall.O_WRONLY | syscall.O_CREAT | syscall.O_EXCL | syscall.O_CLOEXEC
	fd, err = syscall.Openat(in.dir.fd, in.tmpName(), flags, FileMode)
	if err == syscall.EEXIST {
		syscall.Unlinkat(in.dir.fd, in.tmpName())
		fd, err = syscall.Openat(in.dir.fd, in.tmpName(), flags, FileMode)
	}
	if err != nil {
		return -1, false, in.pathErr("create", "", err)
	}
	in.tmpMade = true
	return fd, false, nil
}

func (in *Input) tmpName() string { return "hdr." + in.id }

func (in *Input) pathErr(op, suffix string, err error) error {
	name := in.id + suffix
	if suffix == "" {
		name = in.tmpName()
	}
	return &fs.PathError{Op: op, Path: in.dir.path + "/" + name, Err: err}
}

// Abort removes what was written. It does nothing after Commit.
func (in *Input) Abort() {
	if in.closed {
		return
	}
	if in.tmpMade {
		syscall.Unlinkat(in.dir.fd, in.tmpName())
	}
	if in.renamed {
		syscall.Unlinkat(in.dir.fd, in.id+"-H")
	}
	syscall.Unlinkat(in.dir.fd, in.id+"-D")
	in.release()
}

// release closes the -D file, which drops its lock.
func (in *Input) release() {
	in.closed = true
	syscall.Close(in.fd)
	in.w.Reset(nil)
	writerPool.Put(in.w)
	in.w = nil
}

// fdWriter writes to a file descriptor, retrying short writes.
type fdWriter int

func (f fdWriter) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := syscall.Write(int(f), p[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}
