package smtp

import (
	"strings"
	"time"

	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/transport"
)

// status is an address's transport_return while the transport works:
// Exim marks the addresses of the current attempt PENDING_DEFER, those a
// RCPT accepted PENDING_OK, and settles them as OK, DEFER or FAIL.
type status int

const (
	stDefer status = iota // not delivered (yet): the starting state
	stPendingDefer
	stPendingOK
	stOK
	stFail
	stPanic // a configuration problem: deferred, and said in the panic log
)

// rcpt is one address of the batch with its state.
type rcpt struct {
	a  *item.Address
	st status
}

// delivery is one call of the transport (Exim's smtp_transport_entry).
type delivery struct {
	t      *Transport
	o      *options
	env    *transport.Env
	msg    *transport.Message
	rcpts  []*rcpt
	sender string // the return path given in MAIL FROM
	write  transport.WriteOptions
	vars   map[string]string
	ctx    *expand.Context
	// usingFallback: the hosts being tried are the fallback hosts.
	usingFallback bool
	// noWaiting: a message-specific deferral; the message is not noted
	// in wait-<transport> (Exim's update_waiting turned off).
	noWaiting bool
	// continuedTried: the host of env.Continued was found and tried.
	continuedTried bool
}

// newDelivery sets up a call; nil when the generic checks settled the
// addresses already.
func newDelivery(t *Transport, env *transport.Env, msg *transport.Message, addrs []*item.Address) *delivery {
	for _, a := range addrs {
		a.Result, a.Message, a.BasicErrno, a.MoreErrno = item.Defer, "", 0, 0
	}
	p := transport.PrepareRemote(env, t.driver, msg, addrs)
	if p == nil {
		return nil
	}
	d := &delivery{t: t, o: t.opt, env: env, msg: msg, vars: map[string]string{},
		sender: p.ReturnPath, write: p.Write}
	for _, a := range addrs {
		d.rcpts = append(d.rcpts, &rcpt{a: a})
	}
	d.ctx = withVars(p.Ctx, d.vars)
	return d
}

// expand expands s with the transport's variables.
func (d *delivery) expand(s string) (string, error) { return d.ctx.Expand(s) }

// first is the batch's first address, where Exim puts batch-wide errors.
func (d *delivery) first() *rcpt { return d.rcpts[0] }

// failAll settles every address with one error: Exim's set_errno_nohost
// on the whole list.
func (d *delivery) failAll(errno int, msg string, st status) {
	for _, r := range d.rcpts {
		r.st = st
		r.a.BasicErrno = errno
		r.a.Message = msg
	}
}

// finish turns the states into results.
func (d *delivery) finish() {
	for _, r := range d.rcpts {
		switch r.st {
		case stOK:
			r.a.Result = item.OK
		case stFail:
			r.a.Result = item.Fail
		default:
			r.a.Result = item.Defer
		}
		if r.st == stPanic {
			r.a.Panic = true
			if d.env.Log != nil {
				d.env.Log.Panic(d.msgID(), r.a.Message)
			}
		}
	}
}

func (d *delivery) now() time.Time {
	if d.env.Now != nil {
		return d.env.Now()
	}
	return time.Now()
}

func (d *delivery) msgID() string {
	if d.msg == nil {
		return ""
	}
	return d.msg.ID
}

// logMain writes a main log line for the message.
func (d *delivery) logMain(text string) {
	if d.env.Log != nil {
		d.env.Log.Main(d.msgID(), text)
	}
}

// printing is Exim's string_printing, which every remote reply goes
// through before it reaches a log line or a bounce.
func (d *delivery) printing(s string) string { return transport.Printing(d.env.Config, s) }

// firstLine is a reply's first line, for the DSN extra information.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
