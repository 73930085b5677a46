package cli

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"exigo/internal/deliver"
	"exigo/internal/eximlog"
	"exigo/internal/item"
	"exigo/internal/transport"
)

// Local deliveries as another user run in worker processes (this binary
// with -MCworker) holding that user's credentials. A worker reads the
// configuration once and serves requests one after another over a Unix
// socket: each request carries the message's -D file as a passed
// descriptor, so the worker needs no access to the spool. Workers are
// kept per user while deliveries keep coming and leave after a minute
// without work.

const workerIdle = time.Minute

type credKey struct {
	uid, gid   int
	initGroups bool
}

type worker struct {
	key  credKey
	cmd  *exec.Cmd
	conn *net.UnixConn
	last time.Time
	// The requests and replies are one gob stream each way, so type
	// descriptions cross the socket once per worker, not per message.
	codec
}

// codec is one end of a worker connection's two gob streams: what enc
// writes to out goes in the next frame; each frame read is added to in
// for dec.
type codec struct {
	out, in bytes.Buffer
	enc     *gob.Encoder
	dec     *gob.Decoder
}

func (c *codec) init() {
	c.enc, c.dec = gob.NewEncoder(&c.out), gob.NewDecoder(&c.in)
}

// encode gives the frame payload for v.
func (c *codec) encode(v any) ([]byte, error) {
	c.out.Reset()
	err := c.enc.Encode(v)
	return c.out.Bytes(), err
}

// decode reads v from a frame payload.
func (c *codec) decode(payload []byte, v any) error {
	c.in.Write(payload)
	return c.dec.Decode(v)
}

type workerPool struct {
	r   *run
	lg  *eximlog.Logger
	max int // workers per user

	mu    sync.Mutex
	cond  *sync.Cond
	idle  map[credKey][]*worker
	count map[credKey]int
}

func newWorkerPool(r *run, lg *eximlog.Logger, max int) *workerPool {
	if max <= 0 {
		max = 4
	}
	p := &workerPool{r: r, lg: lg, max: max, idle: map[credKey][]*worker{}, count: map[credKey]int{}}
	p.cond = sync.NewCond(&p.mu)
	go p.reap()
	return p
}

// runAs is the deliver.RunAsFunc the pool serves.
func (p *workerPool) runAs(uid, gid int, initGroups bool, name string, msg *transport.Message, addrs []*item.Address) error {
	body, err := msg.Body()
	if err != nil {
		return err
	}
	defer body.Close()
	data, ok := body.(*os.File)
	if !ok {
		return errors.New("message body is not a file")
	}
	req := &childRequest{Transport: name, Header: msg.Header.Encode(), Addresses: addrs}
	files := []*os.File{data}
	if name := addrs[0].ReturnFile; name != "" {
		// The pipe's output goes to the return file, which the worker
		// (another user) could not open itself.
		ret, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		defer ret.Close()
		files = append(files, ret)
	}
	key := credKey{uid, gid, initGroups}
	w, err := p.get(key)
	if err != nil {
		return err
	}
	rep, err := w.call(req, files)
	if err != nil {
		p.drop(w)
		return err
	}
	p.put(w)
	if len(rep.Addresses) != len(addrs) {
		return errors.New("bad reply from the delivery process")
	}
	for _, l := range rep.Logs {
		p.lg.Main("", l)
	}
	for i, a := range addrs {
		parent := a.Parent
		*a = *rep.Addresses[i]
		a.Parent = parent
	}
	return nil
}

// get takes an idle worker for the user, starts one, or waits for one.
func (p *workerPool) get(key credKey) (*worker, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if ws := p.idle[key]; len(ws) > 0 {
			w := ws[len(ws)-1]
			p.idle[key] = ws[:len(ws)-1]
			return w, nil
		}
		if p.count[key] < p.max {
			p.count[key]++
			p.mu.Unlock()
			w, err := p.start(key)
			p.mu.Lock()
			if err != nil {
				p.count[key]--
				p.cond.Broadcast()
				return nil, err
			}
			return w, nil
		}
		p.cond.Wait()
	}
}

func (p *workerPool) put(w *worker) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w.last = time.Now()
	p.idle[w.key] = append(p.idle[w.key], w)
	p.cond.Broadcast()
}

// drop ends a worker that failed.
func (p *workerPool) drop(w *worker) {
	w.stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count[w.key]--
	p.cond.Broadcast()
}

// reap ends workers idle for longer than workerIdle.
func (p *workerPool) reap() {
	for range time.Tick(workerIdle / 4) {
		p.mu.Lock()
		for key, ws := range p.idle {
			kept := ws[:0]
			for _, w := range ws {
				if time.Since(w.last) > workerIdle {
					go w.stop()
					p.count[key]--
				} else {
					kept = append(kept, w)
				}
			}
			p.idle[key] = kept
		}
		p.mu.Unlock()
	}
}

// start runs a worker with the user's credentials, its socket on fd 3.
func (p *workerPool) start(key credKey) (*worker, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	ours := os.NewFile(uintptr(fds[0]), "worker socket")
	theirs := os.NewFile(uintptr(fds[1]), "worker socket")
	defer theirs.Close()
	args := append(p.r.childArgs(), "-MCworker")
	cmd := exec.Command(self, args...)
	cmd.Env = os.Environ()
	cmd.Dir = "/"
	cmd.ExtraFiles = []*os.File{theirs}
	cmd.Stderr = os.Stderr
	cred := &syscall.Credential{Uid: uint32(key.uid), Gid: uint32(key.gid)}
	if key.initGroups {
		cred.Groups = userGroups(key.uid)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	if err := cmd.Start(); err != nil {
		ours.Close()
		return nil, err
	}
	fc, err := net.FileConn(ours)
	ours.Close()
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, err
	}
	w := &worker{key: key, cmd: cmd, conn: fc.(*net.UnixConn), last: time.Now()}
	w.init()
	return w, nil
}

func (w *worker) stop() {
	w.conn.Close() // the worker leaves at the end of its input
	done := make(chan struct{})
	go func() { w.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		w.cmd.Process.Kill()
		<-done
	}
}

// call sends one request with the -D file (and the return file, if
// any) and reads the reply.
func (w *worker) call(r *childRequest, files []*os.File) (*childReply, error) {
	req, err := w.encode(r)
	if err != nil {
		return nil, err
	}
	w.conn.SetDeadline(time.Now().Add(2 * time.Hour))
	fds := make([]int, len(files))
	for i, f := range files {
		fds[i] = int(f.Fd())
	}
	if _, _, err := w.conn.WriteMsgUnix(frame(req), syscall.UnixRights(fds...), nil); err != nil {
		return nil, err
	}
	buf, err := readFrame(w.conn)
	if err != nil {
		return nil, fmt.Errorf("delivery process: %v", err)
	}
	var rep childReply
	if err := w.decode(buf, &rep); err != nil {
		return nil, err
	}
	return &rep, nil
}

func readFrame(r io.Reader) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	buf := make([]byte, binary.BigEndian.Uint32(n[:]))
	_, err := io.ReadFull(r, buf)
	return buf, err
}

func writeFrame(w io.Writer, b []byte) error {
	_, err := w.Write(frame(b))
	return err
}

// frame is a payload with its length in front, as readFrame reads it.
func frame(payload []byte) []byte {
	f := make([]byte, 4+len(payload))
	binary.BigEndian.PutUint32(f, uint32(len(payload)))
	copy(f[4:], payload)
	return f
}

// workerMain is -MCworker: serve local deliveries until the parent
// closes the socket on fd 3.
func (r *run) workerMain() int {
	cfg, ok := r.configOrDie()
	if !ok {
		return 1
	}
	f := os.NewFile(3, "worker socket")
	fc, err := net.FileConn(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo: worker: %v\n", err)
		return 1
	}
	conn := fc.(*net.UnixConn)
	ts, err := transport.Build(cfg)
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	var logs bytes.Buffer
	lg, err := eximlog.New(eximlog.Config{Test: &logs, TestNoTimestamp: true})
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	d := &deliver.Deliverer{Config: cfg, Log: lg, Transports: ts, BaseCtx: r.baseContext(cfg)}
	var c codec
	c.init()
	for {
		req, data, ret, err := readRequest(conn, &c)
		if err != nil {
			return 0 // the parent has gone (or spoke nonsense): done
		}
		logs.Reset()
		rep := serveRequest(d, req, data, ret, &logs)
		data.Close()
		if ret != nil {
			ret.Close()
		}
		b, err := c.encode(rep)
		if err != nil {
			fmt.Fprintf(r.stderr, "exigo: worker: %v\n", err)
			return 1
		}
		if err := writeFrame(conn, b); err != nil {
			return 0
		}
	}
}

// readRequest reads a frame and the descriptors sent with it: the -D
// file and, when the transport keeps its output, the return file.
func readRequest(conn *net.UnixConn, c *codec) (*childRequest, *os.File, *os.File, error) {
	head := make([]byte, 4)
	oob := make([]byte, syscall.CmsgSpace(8))
	n, oobn, _, _, err := conn.ReadMsgUnix(head, oob)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := io.ReadFull(conn, head[n:]); err != nil {
		return nil, nil, nil, err
	}
	msgs, err := syscall.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return nil, nil, nil, errors.New("no descriptor with the request")
	}
	fds, err := syscall.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) < 1 || len(fds) > 2 {
		return nil, nil, nil, errors.New("no descriptor with the request")
	}
	data := os.NewFile(uintptr(fds[0]), "message data")
	var ret *os.File
	if len(fds) == 2 {
		ret = os.NewFile(uintptr(fds[1]), "return file")
	}
	closeAll := func() {
		data.Close()
		if ret != nil {
			ret.Close()
		}
	}
	buf := make([]byte, binary.BigEndian.Uint32(head))
	if _, err := io.ReadFull(conn, buf); err != nil {
		closeAll()
		return nil, nil, nil, err
	}
	var req childRequest
	if err := c.decode(buf, &req); err != nil {
		closeAll()
		return nil, nil, nil, err
	}
	return &req, data, ret, nil
}
