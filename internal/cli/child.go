package cli

import (
	"bytes"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"exigo/internal/deliver"
	"exigo/internal/eximlog"
	"exigo/internal/item"
	"exigo/internal/spool"
)

// childRequest is one local delivery a worker is asked to make; the -D
// file comes with it as a passed descriptor.
type childRequest struct {
	ID        uint32 // the reply carries it back
	Transport string
	Header    []byte // the -H file's contents
	Addresses []*item.Address
}

// childReply is the worker's answer: the addresses with their results,
// and the log lines the delivery wrote.
type childReply struct {
	ID        uint32
	Addresses []*item.Address
	Logs      []string
}

// childArgs are the options a worker needs to read the same
// configuration.
func (r *run) childArgs() []string {
	var args []string
	if r.opts.ConfigFile != "" {
		// Workers run in "/": a relative -C must not change meaning.
		conf := r.opts.ConfigFile
		if abs, err := filepath.Abs(conf); err == nil {
			conf = abs
		}
		args = append(args, "-C", conf)
	}
	for _, name := range r.opts.DefineList {
		args = append(args, "-D"+name+"="+r.opts.Defines[name])
	}
	return args
}

func userGroups(uid int) []uint32 {
	u, err := user.LookupId(strconv.Itoa(uid))
	if err != nil {
		return nil
	}
	ids, _ := u.GroupIds()
	var out []uint32
	for _, s := range ids {
		if n, err := strconv.Atoi(s); err == nil {
			out = append(out, uint32(n))
		}
	}
	return out
}

// serveRequest makes one local delivery in a worker; returnFile (nil
// for none) receives the transport's output. The lines it logs go back
// in the reply, for the parent's log.
func serveRequest(d *deliver.Deliverer, req *childRequest, data, returnFile *os.File) childReply {
	rep := childReply{ID: req.ID, Addresses: req.Addresses}
	var logs bytes.Buffer
	lg, err := eximlog.New(eximlog.Config{Test: &logs, TestNoTimestamp: true})
	if err != nil {
		for _, a := range req.Addresses {
			a.Result, a.Message = item.Defer, err.Error()
		}
		return rep
	}
	dd := *d
	dd.Log = lg
	name, _, _ := strings.Cut(string(req.Header), "\n")
	h, err := spool.ParseHeader(req.Header, name)
	if err != nil {
		for _, a := range req.Addresses {
			a.Result, a.Message = item.Defer, "bad delivery request: "+err.Error()
		}
		return rep
	}
	offset := int64(len(h.ID) + 3)
	body := func() (io.ReadCloser, error) {
		fi, err := data.Stat()
		if err != nil {
			return nil, err
		}
		return io.NopCloser(io.NewSectionReader(data, offset, fi.Size()-offset)), nil
	}
	dd.RunLocal(req.Transport, h, body, req.Addresses, returnFile)
	deliver.SyncDirs(req.Addresses) // as the user, before replying
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if l = strings.TrimPrefix(l, "LOG: "); l != "" {
			rep.Logs = append(rep.Logs, l)
		}
	}
	return rep
}
