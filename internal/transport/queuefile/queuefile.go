// Package queuefile is Exim's experimental queuefile transport (the
// experimental spec's "Queuefile transport"; transports/queuefile.c): it
// does no final delivery, it puts the message's spool files, -H and -D
// unchanged, into another directory for an external program (a virus or
// spam scanner) to pick up and requeue.
//
// As Exim, it hard-links the files when the directory is on the spool's
// file system and copies them otherwise. A copy is written under a
// temporary name, synced and then linked to its real name, so that a
// scanner never sees half a file; the directory is synced at the end.
// The generic transport options are ignored.
package queuefile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/syserr"
	"exigo/internal/transport"
)

func init() {
	transport.Register("queuefile", New)
	conf.MarkImplemented(conf.KindTransport, "queuefile", "directory")
}

// Transport is one configured queuefile transport.
type Transport struct {
	name string
	dir  string // directory, unexpanded
}

// New checks that directory is set, as Exim's queuefile_transport_init.
func New(d *conf.Driver) (transport.Transport, error) {
	if !d.IsSet("directory") {
		return nil, fmt.Errorf("directory must be set for the %s transport", d.Name)
	}
	return &Transport{name: d.Name, dir: d.String("directory")}, nil
}

// Local is true: Exim runs queuefile as a local transport.
func (t *Transport) Local() bool { return true }

// Deliver copies the message's spool files; the first address's outcome
// is every address's (Exim's transport returns FALSE).
func (t *Transport) Deliver(env *transport.Env, msg *transport.Message, addrs []*item.Address) {
	if len(addrs) == 0 {
		return
	}
	a := addrs[0]
	a.Result, a.Message, a.BasicErrno = item.Defer, "", 0
	t.deliver(env, msg, a)
	transport.Copy(addrs)
}

func (t *Transport) deliver(env *transport.Env, msg *transport.Message, a *item.Address) {
	ctx := env.Ctx
	if ctx == nil {
		ctx = &expand.Context{}
	}
	dst, err := ctx.Expand(t.dir)
	if err != nil {
		a.Message = fmt.Sprintf("%s transport: failed to expand dirname option", t.name)
		return
	}
	if !filepath.IsAbs(dst) {
		t.panic(a, 0, fmt.Sprintf("%s transport directory: %s is not absolute", t.name, dst))
		return
	}
	src := sourceDir(env, msg.ID)
	var dstStat, srcStat syscall.Stat_t
	for _, d := range []struct {
		path string
		st   *syscall.Stat_t
	}{{dst, &dstStat}, {src, &srcStat}} {
		if err := statDir(d.path, d.st); err != nil {
			t.panic(a, transport.Errno(err), fmt.Sprintf("%s transport accessing directory: %s failed with error: %s",
				t.name, d.path, syserr.Of(err)))
			return
		}
	}
	if msg.Header != nil && msg.Header.DontDeliver {
		a.Result = item.OK // -N
		return
	}
	link := dstStat.Dev == srcStat.Dev
	c := &copier{t: t, a: a, id: msg.ID, src: src, dst: dst, link: link}
	if !c.file("-H") {
		return
	}
	if !c.file("-D") {
		os.Remove(filepath.Join(dst, msg.ID+"-H"))
		return
	}
	if err := syncDir(dst); err != nil {
		c.fail("creating", dst, err)
		return
	}
	a.Result = item.OK
}

// panic is Exim's PANIC result: deferred, and said in the panic log.
func (t *Transport) panic(a *item.Address, errno int, msg string) {
	a.Result, a.Panic, a.BasicErrno, a.Message = item.Defer, true, errno, msg
}

// sourceDir is the input directory holding the message.
func sourceDir(env *transport.Env, id string) string {
	sp := env.Spool
	if sp == nil {
		dir := "/var/spool/exim"
		split := false
		if env.Config != nil {
			if d := env.Config.String("spool_directory"); d != "" {
				dir = d
			}
			split = env.Config.Bool("split_spool_directory")
		}
		sp = &spool.Spool{Dir: dir, Split: split}
	}
	return filepath.Dir(sp.InputPath(id, "-H"))
}

// statDir opens a directory as Exim does (no symbolic link) and stats it.
func statDir(path string, st *syscall.Stat_t) error {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	return syscall.Fstat(fd, st)
}

func syncDir(path string) error {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	if err := syscall.Fsync(fd); err != nil && err != syscall.EINVAL {
		return err
	}
	return nil
}

// copier puts one spool file into the destination.
type copier struct {
	t            *Transport
	a            *item.Address
	id, src, dst string
	link         bool
}

// file links or copies <id><suffix>; on failure the address is set as
// Exim's copy_spool_files does.
func (c *copier) file(suffix string) bool {
	name := c.id + suffix
	from, to := filepath.Join(c.src, name), filepath.Join(c.dst, name)
	if c.link {
		if err := os.Link(from, to); err != nil {
			return c.fail("linking", to, err)
		}
		return true
	}
	in, err := os.Open(from)
	if err != nil {
		return c.fail("opening", from, err)
	}
	defer in.Close()
	op, path, err := copyAtomically(in, to)
	if err != nil {
		return c.fail(op, path, err)
	}
	return true
}

func (c *copier) fail(op, path string, err error) bool {
	c.a.Result, c.a.BasicErrno = item.Defer, transport.Errno(err)
	c.a.Message = fmt.Sprintf("%s transport %s file: %s failed with error: %s",
		c.t.name, op, path, syserr.Of(err))
	return false
}

// copyAtomically writes in to a temporary name beside to, syncs it, and
// links it to its name, which must not exist (Exim creates with O_EXCL).
// It returns Exim's operation name for an error.
func copyAtomically(in io.Reader, to string) (op, path string, err error) {
	tmp := filepath.Join(filepath.Dir(to), ".tmp-"+filepath.Base(to))
	out, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, spool.FileMode)
	if err != nil {
		return "opening", to, err
	}
	defer os.Remove(tmp)
	if err := out.Chmod(spool.FileMode); err != nil {
		out.Close()
		return "setting perms on", to, err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return "creating", to, err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return "creating", to, err
	}
	if err := out.Close(); err != nil {
		return "creating", to, err
	}
	if err := os.Link(tmp, to); err != nil {
		return "opening", to, err
	}
	return "", "", nil
}
