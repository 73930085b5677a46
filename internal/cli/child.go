package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"

	"exigo/internal/conf"
	"exigo/internal/deliver"
	"exigo/internal/eximlog"
	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

// childRequest is what the delivery process sends a local delivery child
// on its standard input; the -D file is its descriptor 3.
type childRequest struct {
	Transport string
	Header    []byte // the -H file's contents
	Addresses []*item.Address
}

// childReply comes back on the child's standard output.
type childReply struct {
	Addresses []*item.Address
	Logs      []string
}

// runAsFunc runs local deliveries in a child process (this binary again,
// with -MCdeliver) holding the delivery user's credentials, as Exim
// forks and changes uid for local transports.
func (r *run) runAsFunc(lg *eximlog.Logger) deliver.RunAsFunc {
	return func(uid, gid int, initGroups bool, name string, msg *transport.Message, addrs []*item.Address) error {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		body, err := msg.Body()
		if err != nil {
			return err
		}
		defer body.Close()
		data, ok := body.(*os.File)
		if !ok {
			return fmt.Errorf("message body is not a file")
		}
		req, err := json.Marshal(childRequest{Transport: name, Header: msg.Header.Encode(), Addresses: addrs})
		if err != nil {
			return err
		}
		cmd := exec.Command(self, r.childArgs()...)
		cmd.Env = os.Environ()
		cmd.Stdin = bytes.NewReader(req)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		cmd.ExtraFiles = []*os.File{data}
		cmd.Dir = "/"
		if h := addrs[0].Home; h != "" {
			if fi, err := os.Stat(h); err == nil && fi.IsDir() {
				cmd.Dir = h
			}
		}
		cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if initGroups {
			cred.Groups = userGroups(uid)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%v: %s", err, strings.TrimSpace(errb.String()))
		}
		var rep childReply
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Addresses) != len(addrs) {
			return fmt.Errorf("bad reply from the delivery process: %v", err)
		}
		for _, l := range rep.Logs {
			lg.Main("", l)
		}
		for i, a := range addrs {
			parent := a.Parent
			*a = *rep.Addresses[i]
			a.Parent = parent
		}
		return nil
	}
}

// childArgs are the options the child needs to read the same
// configuration.
func (r *run) childArgs() []string {
	var args []string
	if r.opts.ConfigFile != "" {
		args = append(args, "-C", r.opts.ConfigFile)
	}
	for _, name := range r.opts.DefineList {
		args = append(args, "-D"+name+"="+r.opts.Defines[name])
	}
	return append(args, "-MCdeliver")
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

// childDeliver is -MCdeliver: run one local transport as told on
// standard input, the message body on descriptor 3.
func (r *run) childDeliver() int {
	cfg, ok := r.configOrDie()
	if !ok {
		return 1
	}
	var req childRequest
	if err := json.NewDecoder(r.stdin).Decode(&req); err != nil {
		fmt.Fprintf(r.stderr, "exigo: bad delivery request: %v\n", err)
		return 1
	}
	name, _, _ := strings.Cut(string(req.Header), "\n")
	h, err := spool.ParseHeader(req.Header, name)
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	data := os.NewFile(3, "message data")
	var logs bytes.Buffer
	lg, err := eximlog.New(eximlog.Config{Test: &logs, TestNoTimestamp: true})
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	ts, err := transportsFor(cfg)
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	d := &deliver.Deliverer{Config: cfg, Log: lg, Transports: ts, BaseCtx: r.baseContext(cfg)}
	offset := int64(len(h.ID) + 3)
	body := func() (io.ReadCloser, error) {
		fi, err := data.Stat()
		if err != nil {
			return nil, err
		}
		return io.NopCloser(io.NewSectionReader(data, offset, fi.Size()-offset)), nil
	}
	d.RunLocal(req.Transport, h, body, req.Addresses)
	rep := childReply{Addresses: req.Addresses}
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if l = strings.TrimPrefix(l, "LOG: "); l != "" {
			rep.Logs = append(rep.Logs, l)
		}
	}
	json.NewEncoder(r.stdout).Encode(rep)
	return 0
}

func transportsFor(cfg *conf.Config) (map[string]transport.Transport, error) {
	return transport.Build(cfg)
}
