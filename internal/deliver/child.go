package deliver

import (
	"io"
	"os"

	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// RunLocal runs a local transport for addrs in this process: what the
// child process started by RunAs does, with the message given to it by
// its parent (the -D file is passed open, as the child may not be able
// to open the spool itself; so is the return file, when the transport
// keeps its output).
func (d *Deliverer) RunLocal(transportName string, h *spool.Header, body func() (io.ReadCloser, error), addrs []*item.Address, returnFile *os.File) {
	t := d.Transports[transportName]
	if t == nil {
		for _, a := range addrs {
			a.Result, a.Message = item.Defer, "transport "+transportName+" is not defined"
		}
		return
	}
	msg := &transport.Message{ID: h.ID, Header: h, Body: body}
	// New directory entries are synced by the caller, shared (SyncDirs).
	env := &transport.Env{Config: d.Config, Log: d.Log, Now: d.Now, Spool: d.Spool, ReturnFile: returnFile, DeferDirSync: true}
	env.Ctx = d.addressContext(h, addrs[0])
	t.Deliver(env, msg, addrs)
}
