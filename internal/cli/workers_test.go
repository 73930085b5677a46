package cli

import (
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"exigo/internal/item"
)

// A worker connection carries several requests at once; replies come
// back in whatever order the deliveries finish and each reaches the
// call that made its request. A worker that goes away fails the calls
// still waiting.
func TestWorkerCallsShareTheConnection(t *testing.T) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	ours, theirs := unixConn(t, fds[0]), unixConn(t, fds[1])
	w := &worker{conn: ours, pending: map[uint32]chan *childReply{}}
	w.init()
	go w.readReplies()

	// The "worker": reads every request, answers them last first.
	const n = 8
	go func() {
		var c codec
		c.init()
		var reqs []*childRequest
		for len(reqs) < n {
			req, data, _, err := readRequest(theirs, &c)
			if err != nil {
				return
			}
			data.Close()
			reqs = append(reqs, req)
		}
		for i := n - 1; i >= 0; i-- {
			b, _ := c.encode(&childReply{ID: reqs[i].ID, Addresses: reqs[i].Addresses, Logs: []string{reqs[i].Transport}})
			writeFrame(theirs, b)
			time.Sleep(time.Millisecond)
		}
		theirs.Close() // then the worker goes away
	}()

	data, _ := os.Open(os.DevNull)
	defer data.Close()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			// One request is large (1 MiB of header): the socket takes
			// it in parts.
			var header []byte
			if name == "c" {
				header = make([]byte, 1<<20)
			}
			rep, err := w.call(&childRequest{Transport: name, Header: header, Addresses: []*item.Address{item.New("a@b.c")}}, []*os.File{data})
			if err != nil || len(rep.Logs) != 1 || rep.Logs[0] != name {
				t.Errorf("call %s: %+v %v", name, rep, err)
			}
		}(string(rune('a' + i)))
	}
	wg.Wait()
	if _, err := w.call(&childRequest{Transport: "late"}, []*os.File{data}); err == nil {
		t.Error("a call to a worker that went away succeeded")
	}
}

func unixConn(t *testing.T, fd int) *net.UnixConn {
	f := os.NewFile(uintptr(fd), "socket")
	defer f.Close()
	c, err := net.FileConn(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.UnixConn)
}
