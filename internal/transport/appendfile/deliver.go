package appendfile

import (
	"os"
	"strings"

	"exigo/internal/item"
	"exigo/internal/transport"
)

// delivery is one call of the transport: Exim's appendfile_transport_entry
// state for a batch, whose outcome goes on the first address and is then
// copied to the others.
type delivery struct {
	t        *Transport
	o        *options
	env      *transport.Env
	msg      *transport.Message
	addrs    []*item.Address
	a        *item.Address
	dv       *transport.Delivery
	q        quotas
	path     string
	isDir    bool
	uid, gid int
	hostname string
}

// Deliver appends the message to a file or writes it into a directory.
// It runs as the user the delivery is for; it changes no process state
// (no chdir, no umask), so deliveries may run side by side.
func (t *Transport) Deliver(env *transport.Env, msg *transport.Message, addrs []*item.Address) {
	if len(addrs) == 0 {
		return
	}
	a := addrs[0]
	// Exim's defaults: a deferral with its backstop error number.
	a.Result, a.BasicErrno, a.Message = item.Defer, item.ErrnoUnknown, ""
	dv := transport.Prepare(env, t.d, msg, addrs)
	if dv == nil {
		return
	}
	x := &delivery{t: t, o: &t.o, env: env, msg: msg, addrs: addrs, a: a, dv: dv,
		uid: os.Geteuid(), gid: os.Getegid(), hostname: "localhost"}
	if env.Config != nil {
		x.hostname = env.Config.PrimaryHostname()
	}
	x.run()
	if a.Result == item.OK {
		a.BasicErrno = 0
	}
	transport.Copy(addrs)
}

func (x *delivery) run() {
	if !x.setup() || !x.findPath() {
		return
	}
	if x.msg.Header != nil && x.msg.Header.DontDeliver {
		x.a.Result = item.OK // -N: do everything but deliver
		return
	}
	if !x.isDir {
		x.toFile()
		return
	}
	x.toDirectory()
}

// findPath expands file or directory (or uses the generated file of a
// filter or .forward), and checks that the result may be used.
func (x *delivery) findPath() bool {
	o, a, name := x.o, x.a, x.t.d.Name
	var fdname string
	if a.File != "" && o.file == "" && o.dir == "" {
		fdname = "$address_file"
		x.isDir = strings.HasSuffix(a.File, "/") || o.maildir
	} else if o.file != "" {
		fdname = o.file
	} else if o.dir != "" {
		fdname, x.isDir = o.dir, true
	} else {
		panicResult(a, 0, "Mandatory file or directory option missing from %s transport", name)
		return false
	}
	if o.maildir && !x.isDir {
		panicResult(a, 0, "maildir_format requires \"directory\" to be specified for the %s transport", name)
		return false
	}
	path, tainted, err := x.dv.Ctx.ExpandTaint(fdname)
	if err != nil {
		panicResult(a, 0, "Expansion of \"%s\" (file or directory name for %s transport) failed: %s", fdname, name, err)
		return false
	}
	if tainted {
		panicResult(a, 0, "Tainted '%s' (file or directory name for %s transport) not permitted", path, name)
		return false
	}
	if !strings.HasPrefix(path, "/") {
		setResult(a, item.Defer, item.ErrnoNotAbsolute, "appendfile: file or directory name \"%s\" is not absolute", path)
		return false
	}
	x.path = path
	return true
}

// fail records a system call failure: the errno and Exim's text.
func (x *delivery) fail(err error, format string, args ...any) {
	setResult(x.a, item.Defer, transport.Errno(err), format, args...)
}
