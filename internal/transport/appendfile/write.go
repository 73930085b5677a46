package appendfile

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"exigo/internal/item"
	"exigo/internal/transport"
)

// writeMessage writes the message to an open file with the configured
// prefix, suffix and escaping, after the quota check, and syncs it.
// It records the outcome on the first address and reports success;
// moreTime is the time the "time since last read" of a quota failure
// counts from.
func (x *delivery) writeMessage(f *os.File, dataname string, fifo bool, moreTime time.Time) bool {
	a := x.a
	size := int64(0)
	if x.msg.Header != nil {
		size = x.msg.Header.Size()
	}
	var err error
	filecount := ""
	if over, byCount := x.overQuota(size); over && !x.q.disabled {
		err = errEximQuota
		if byCount {
			filecount = " filecount"
		}
	}
	var n transport.Written
	if err == nil {
		n, err = x.writeFormatted(f)
	}
	if err == nil && !fifo {
		err = f.Sync()
	}
	x.dv.Vars["message_size"] = transport.Var{Value: strconv.FormatInt(n.Bytes, 10)}
	x.dv.Vars["message_linecount"] = transport.Var{Value: strconv.Itoa(n.Newlines - 1)}
	if err == nil {
		a.Result, a.BasicErrno = item.OK, 0
		a.QuotaWarn = !x.q.disabled && x.crossedThreshold(n.Bytes)
		return true
	}
	x.writeFailed(err, dataname, filecount, moreTime)
	return false
}

// errEximQuota is Exim's ERRNO_EXIMQUOTA: quota exceeded by Exim's count.
var errEximQuota = errors.New("Exim quota exceeded")

// expandFailure is a message_prefix or message_suffix that did not
// expand (Exim's ERRNO_EXPANDFAIL).
type expandFailure struct{ msg string }

func (e *expandFailure) Error() string { return e.msg }

// writeFormatted writes prefix, batch SMTP envelope, message, suffix.
func (x *delivery) writeFormatted(f *os.File) (transport.Written, error) {
	o, name := x.o, x.t.d.Name
	prefix, suffix := "", ""
	if o.prefix != "" {
		p, err := x.dv.Ctx.Expand(o.prefix)
		if err != nil {
			return transport.Written{}, &expandFailure{fmt.Sprintf("Expansion of \"%s\" (prefix for %s transport) failed", o.prefix, name)}
		}
		prefix = p
	}
	if o.suffix != "" {
		s, err := x.dv.Ctx.Expand(o.suffix)
		if err != nil {
			return transport.Written{}, &expandFailure{fmt.Sprintf("Expansion of \"%s\" (suffix for %s transport) failed", o.suffix, name)}
		}
		suffix = s
	}
	if o.bsmtp {
		// A generated file or reply address is sent as its parent.
		rcpts := make([]*item.Address, len(x.addrs))
		for i, ad := range x.addrs {
			if ad.Parent != nil && (ad.File != "" || ad.Pipe != "" || ad.ReplyTo) {
				ad = ad.Parent
			}
			rcpts[i] = ad
		}
		head, tail := transport.BSMTPEnvelope(x.dv.ReturnPath, rcpts, o.rcptIncludeAffixes, o.crlf)
		prefix += head
		suffix += tail
	}
	w := x.dv.Write
	w.CRLF = o.crlf
	w.CheckString, w.EscapeString, w.EscapeHeaders = o.check, o.escape, o.escapeHeaders
	w.Prefix, w.Suffix = prefix, suffix
	return transport.WriteMessage(f, x.msg, &w)
}

// writeFailed records a failed write as Exim words it. Quota and disk
// full failures carry the seconds since the mailbox was last read (or
// its Maildir's new/ last changed) in MoreErrno, for retry rules.
func (x *delivery) writeFailed(err error, dataname, filecount string, since time.Time) {
	a := x.a
	a.Result, a.QuotaWarn = item.Defer, false
	a.BasicErrno = transport.Errno(err)
	errno := syscall.Errno(a.BasicErrno)
	if err == errEximQuota || errno == syscall.EDQUOT || errno == syscall.ENOSPC {
		a.MoreErrno = 0
		if !since.IsZero() {
			a.MoreErrno = int(time.Since(since) / time.Second)
		}
	}
	var he *transport.HeaderError
	var ef *expandFailure
	var fe *transport.FilterError
	switch {
	case errno == syscall.EDQUOT:
		a.Message, a.UserMessage = "mailbox is full", "mailbox is full"
	case err == errEximQuota:
		a.BasicErrno = item.ErrnoEximQuota
		a.Message = fmt.Sprintf("mailbox is full (MTA-imposed%s quota exceeded while writing to %s)", filecount, dataname)
		a.UserMessage = "mailbox is full"
	case errors.As(err, &he):
		a.BasicErrno, a.Panic = item.ErrnoChHeaderFail, true
		a.Message = fmt.Sprintf("failed to expand headers_add or headers_remove while writing to %s: %s", dataname, he.Msg)
	case errors.As(err, &fe):
		a.BasicErrno, a.MoreErrno, a.Panic = item.ErrnoFilterFail, fe.Status, true
		a.Message = fmt.Sprintf("transport filter process failed (%d) while writing to %s%s", fe.Status, dataname, fe.Suffix())
	case errors.As(err, &ef):
		a.BasicErrno, a.Message = item.ErrnoExpandFail, ef.msg
	default:
		a.Message = fmt.Sprintf("error while writing to %s", dataname)
	}
}
