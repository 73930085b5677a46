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
// configuration once and serves requests over a Unix socket, several at
// once (each in its own goroutine; replies carry the request's number):
// each request carries the message's -D file as a passed descriptor, so
// the worker needs no access to the spool. There is one worker per user,
// kept while deliveries keep coming; it leaves after a minute without
// work. One process per user rather than per delivery saves each
// delivery a Go runtime's start-up, scheduler and collector.

const (
	workerIdle = time.Minute
	// workerCallLimit is a backstop for a worker that never answers;
	// transports have their own, shorter, timeouts.
	workerCallLimit = 2 * time.Hour
)

type credKey struct {
	uid, gid   int
	initGroups bool
}

type worker struct {
	key  credKey
	cmd  *exec.Cmd
	conn *net.UnixConn

	// sendMu orders whole frames (and their descriptors) on the socket;
	// it guards codec's encoder. The decoder is the reader goroutine's.
	sendMu sync.Mutex
	codec

	mu       sync.Mutex
	pending  map[uint32]chan *childReply
	nextID   uint32
	inflight int
	last     time.Time
	err      error // the connection failed: no more requests
}

// codec is one end of a worker connection's two gob streams (so type
// descriptions cross the socket once per worker, not per message): what
// enc writes to out goes in the next frame; each frame read is added to
// in for dec.
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
	r  *run
	lg *eximlog.Logger

	mu      sync.Mutex
	workers map[credKey]*worker
}

func newWorkerPool(r *run, lg *eximlog.Logger) *workerPool {
	p := &workerPool{r: r, lg: lg, workers: map[credKey]*worker{}}
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
	w, err := p.get(credKey{uid, gid, initGroups})
	if err != nil {
		return err
	}
	rep, err := w.call(req, files)
	w.done()
	if err != nil {
		return err
	}
	if len(rep.Addresses) != len(addrs) {
		return errors.New("bad reply from the delivery process")
	}
	for _, l := range rep.Logs {
		p.lg.Main("", l)
	}
	for i, a := range addrs {
		// The reply gives the outcome; what this process set up, and
		// acts on as root, stays its own (a worker runs as the user).
		parent, ret := a.Parent, a.ReturnFile
		*a = *rep.Addresses[i]
		a.Parent, a.ReturnFile, a.SyncDir = parent, ret, ""
	}
	return nil
}

// get gives the user's worker, starting one if there is none or the
// last one failed.
func (p *workerPool) get(key credKey) (*worker, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := p.workers[key]
	if w == nil || w.failed() != nil {
		if w != nil {
			go w.stop()
		}
		var err error
		if w, err = p.start(key); err != nil {
			delete(p.workers, key)
			return nil, err
		}
		p.workers[key] = w
	}
	w.mu.Lock()
	w.inflight++
	w.mu.Unlock()
	return w, nil
}

// reap ends workers idle for longer than workerIdle, and failed ones.
func (p *workerPool) reap() {
	for range time.Tick(workerIdle / 4) {
		p.mu.Lock()
		for key, w := range p.workers {
			if w.idleFor() > workerIdle || w.failed() != nil {
				delete(p.workers, key)
				go w.stop()
			}
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
	w := &worker{key: key, cmd: cmd, conn: fc.(*net.UnixConn), last: time.Now(), pending: map[uint32]chan *childReply{}}
	w.init()
	go w.readReplies()
	return w, nil
}

// stop closes the worker's socket: it leaves once the deliveries it has
// under way are done. It is killed only if it outlasts the backstop, as
// killing it sooner could cut a mailbox append short.
func (w *worker) stop() {
	w.conn.Close()
	done := make(chan struct{})
	go func() { w.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(workerCallLimit):
		w.cmd.Process.Kill()
		<-done
	}
}

func (w *worker) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// idleFor is how long the worker has had nothing to do (0: busy).
func (w *worker) idleFor() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.inflight > 0 {
		return 0
	}
	return time.Since(w.last)
}

// done ends a call begun by the pool's get.
func (w *worker) done() {
	w.mu.Lock()
	w.inflight--
	w.last = time.Now()
	w.mu.Unlock()
}

// fail marks the connection failed: every call waiting gets err, and the
// worker is replaced at the next request.
func (w *worker) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	for id, ch := range w.pending {
		close(ch)
		delete(w.pending, id)
	}
	w.mu.Unlock()
	w.conn.Close()
}

// call sends one request with the -D file (and the return file, if
// any) and waits for its reply.
func (w *worker) call(r *childRequest, files []*os.File) (*childReply, error) {
	ch := make(chan *childReply, 1)
	w.mu.Lock()
	if w.err != nil {
		w.mu.Unlock()
		return nil, w.err
	}
	w.nextID++
	r.ID = w.nextID
	w.pending[r.ID] = ch
	w.mu.Unlock()
	if err := w.send(r, files); err != nil {
		w.fail(err)
	}
	limit := time.NewTimer(workerCallLimit)
	defer limit.Stop()
	select {
	case rep, ok := <-ch:
		if !ok {
			return nil, w.failed()
		}
		return rep, nil
	case <-limit.C:
		// Only this call gives up: the worker's other deliveries go on
		// (a late reply for it is dropped).
		w.mu.Lock()
		delete(w.pending, r.ID)
		w.mu.Unlock()
		return nil, errors.New("delivery process: no reply")
	}
}

func (w *worker) send(r *childRequest, files []*os.File) error {
	w.sendMu.Lock()
	defer w.sendMu.Unlock()
	req, err := w.encode(r)
	if err != nil {
		return err
	}
	fds := make([]int, len(files))
	for i, f := range files {
		fds[i] = int(f.Fd())
	}
	f := frame(req)
	n, _, err := w.conn.WriteMsgUnix(f, syscall.UnixRights(fds...), nil)
	if err == nil && n < len(f) {
		// A stream socket may take a large frame in parts; the
		// descriptors went with the first.
		_, err = w.conn.Write(f[n:])
	}
	return err
}

// readReplies hands each reply to the call waiting for it, until the
// connection fails.
func (w *worker) readReplies() {
	for {
		buf, err := readFrame(w.conn)
		var rep childReply
		if err == nil {
			err = w.decode(buf, &rep)
		}
		if err != nil {
			w.fail(fmt.Errorf("delivery process: %v", err))
			return
		}
		w.mu.Lock()
		ch := w.pending[rep.ID]
		delete(w.pending, rep.ID)
		w.mu.Unlock()
		if ch != nil {
			ch <- &rep
		}
	}
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

// workerMain is -MCworker: serve local deliveries, each in a goroutine,
// until the parent closes the socket on fd 3; deliveries under way are
// finished before it leaves.
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
	d := &deliver.Deliverer{Config: cfg, Transports: ts, BaseCtx: r.baseContext(cfg)}
	var c codec
	c.init()
	var sendMu sync.Mutex
	var running sync.WaitGroup
	defer running.Wait()
	for {
		req, data, ret, err := readRequest(conn, &c)
		if err != nil {
			return 0 // the parent has gone (or spoke nonsense): done
		}
		running.Add(1)
		go func() {
			defer running.Done()
			rep := serveRequest(d, req, data, ret)
			data.Close()
			if ret != nil {
				ret.Close()
			}
			sendMu.Lock()
			defer sendMu.Unlock()
			b, err := c.encode(&rep)
			if err == nil {
				err = writeFrame(conn, b)
			}
			if err != nil {
				conn.Close() // the parent sees the failure; we leave
			}
		}()
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
