package deliver

import (
	"errors"
	"os"
	"syscall"

	"exigo/internal/item"
	"exigo/internal/syserr"
	"exigo/internal/transport"
)

// openReturnFile creates the return file for a local delivery whose
// transport keeps its output (Exim's deliver_local does it before
// starting the delivery process): msglog/<id>-<pid>-<n>. It returns nil
// when none is wanted, and false with the address deferred when it
// cannot be made.
func (r *attempt) openReturnFile(a *item.Address) (*os.File, bool) {
	if r.d.Spool == nil || !transport.KeepsOutput(r.d.Config.Transport(a.Transport)) {
		return nil, true
	}
	name := transport.ReturnFileName(r.d.Spool.MsglogPath(r.id), os.Getpid(), r.returnCount)
	r.returnCount++
	f, err := transport.CreateReturnFile(name)
	if err != nil {
		a.Result, a.BasicErrno = item.Defer, errnoOf(err)
		a.Message = "Unable to create file for " + a.Transport + " transport to return message: " + syserr.Of(err)
		return nil, false
	}
	a.ReturnFile = name
	return f, true
}

// takeOutput handles the return file after the delivery: its first
// line waits to be logged just before the address's outcome, as Exim's
// post_process_one logs it; return_output may have failed the address.
func (r *attempt) takeOutput(a *item.Address, f *os.File) {
	if f == nil {
		return
	}
	if a.ReturnFile == "" { // lost on the way back from a worker
		a.ReturnFile = f.Name()
	}
	line := transport.HandleOutput(r.d.Config.Transport(a.Transport), a, f, r.h.Sender)
	if line == "" {
		return
	}
	if r.outputLines == nil {
		r.outputLines = map[*item.Address]string{}
	}
	r.outputLines[a] = line
}

// logOutput writes the output line waiting for a, if any.
func (r *attempt) logOutput(a *item.Address) {
	if line, ok := r.outputLines[a]; ok {
		r.d.Log.Main(r.id, line)
		delete(r.outputLines, a)
	}
}

// dropReturnFiles removes return files no failure report took (an
// address whose report was not sent, or not made).
func (r *attempt) dropReturnFiles() {
	for _, list := range [][]*item.Address{r.failed, r.deferred, r.delivered} {
		for _, a := range list {
			if a.ReturnFile != "" {
				os.Remove(a.ReturnFile)
				a.ReturnFile = ""
			}
		}
	}
}

// errnoOf is the system error number behind err (Exim's errno).
func errnoOf(err error) int {
	var e syscall.Errno
	if errors.As(err, &e) {
		return int(e)
	}
	return item.ErrnoUnknown
}
