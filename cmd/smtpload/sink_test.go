package main

import (
	"bufio"
	"bytes"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// sink is a minimal SMTP server for the tests. It enforces command order
// (a second MAIL without RSET, RCPT before MAIL and DATA without a valid
// RCPT are protocol errors it counts), undoes dot-stuffing and records
// what each connection did.
type sink struct {
	t          *testing.T
	ln         net.Listener
	pipelining bool
	rcptReply  func(rcpt string) string // default "250 OK"
	dataReply  string                   // default "250 OK queued"
	hangUp     bool                     // close each connection after EHLO

	mu             sync.Mutex
	conns          []*sinkConn
	messages       [][]byte
	protocolErrors []string
	open, maxOpen  int
	handlers       sync.WaitGroup
}

// sinkConn is what the sink saw on one connection.
type sinkConn struct {
	messages    int
	batched     []bool // per MAIL: RCPT and DATA arrived in the same write
	quit        bool
	earlyTalker bool // the client sent something before the greeting
}

func newSink(t *testing.T) *sink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return &sink{t: t, ln: ln, dataReply: "250 OK queued",
		rcptReply: func(string) string { return "250 Accepted" }}
}

func (s *sink) addr() string { return s.ln.Addr().String() }

func (s *sink) start() *sink {
	go func() {
		for {
			nc, err := s.ln.Accept()
			if err != nil {
				return
			}
			s.handlers.Add(1)
			go s.serve(nc)
		}
	}()
	s.t.Cleanup(func() { s.ln.Close() })
	return s
}

// stop closes the listener and waits until every client has gone.
func (s *sink) stop() {
	s.ln.Close()
	s.handlers.Wait()
}

func (s *sink) serve(nc net.Conn) {
	defer s.handlers.Done()
	defer nc.Close()
	c := &sinkConn{}
	s.connected(c, +1)
	defer s.connected(c, -1)
	br := bufio.NewReader(nc)
	c.earlyTalker = sentEarly(nc, br)
	nc.SetReadDeadline(time.Time{})
	nc.Write([]byte("220 sink ESMTP ready\r\n"))
	st := &sinkSession{s: s, c: c, nc: nc, br: br}
	for st.step() {
	}
}

// sentEarly waits a little before the greeting to catch a client that
// does not wait for it.
func sentEarly(nc net.Conn, br *bufio.Reader) bool {
	nc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err := br.Peek(1)
	return err == nil
}

func (s *sink) connected(c *sinkConn, delta int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if delta > 0 {
		s.conns = append(s.conns, c)
	}
	s.open += delta
	s.maxOpen = max(s.maxOpen, s.open)
}

type sinkSession struct {
	s         *sink
	c         *sinkConn
	nc        net.Conn
	br        *bufio.Reader
	mail      bool
	validRcpt int
}

func (st *sinkSession) reply(text string) { st.nc.Write([]byte(text + "\r\n")) }

func (st *sinkSession) protocolError(what string) {
	st.s.mu.Lock()
	st.s.protocolErrors = append(st.s.protocolErrors, what)
	st.s.mu.Unlock()
}

// step handles one command; false ends the connection.
func (st *sinkSession) step() bool {
	line, err := st.br.ReadString('\n')
	if err != nil {
		return false
	}
	cmd := strings.TrimRight(line, "\r\n")
	verb := strings.ToUpper(strings.SplitN(cmd, " ", 2)[0])
	switch verb {
	case "EHLO":
		st.ehlo()
		return !st.s.hangUp
	case "MAIL":
		st.mailFrom()
	case "RCPT":
		st.rcptTo(cmd)
	case "DATA":
		st.data()
	case "RSET":
		st.mail, st.validRcpt = false, 0
		st.reply("250 Reset OK")
	case "QUIT":
		st.c.quit = true
		st.reply("221 sink closing connection")
		return false
	default:
		st.protocolError("unknown command " + cmd)
		st.reply("500 unrecognized command")
	}
	return true
}

func (st *sinkSession) ehlo() {
	st.reply("250-sink Hello")
	st.reply("250-SIZE 52428800")
	if st.s.pipelining {
		st.reply("250-PIPELINING")
	}
	st.reply("250 HELP")
}

func (st *sinkSession) mailFrom() {
	if st.mail {
		st.protocolError("MAIL inside a transaction")
		st.reply("503 sender already given")
		return
	}
	st.c.batched = append(st.c.batched, st.br.Buffered() > 0)
	st.mail = true
	st.reply("250 OK")
}

func (st *sinkSession) rcptTo(cmd string) {
	if !st.mail {
		st.protocolError("RCPT without MAIL")
		st.reply("503 sender not yet given")
		return
	}
	rcpt := strings.TrimSuffix(strings.TrimPrefix(cmd, "RCPT TO:<"), ">")
	r := st.s.rcptReply(rcpt)
	if r[0] == '2' {
		st.validRcpt++
	}
	st.reply(r)
}

func (st *sinkSession) data() {
	if st.validRcpt == 0 {
		// Exim's answer to a pipelined DATA after refused recipients.
		st.reply("503-All RCPT commands were rejected with this error:")
		st.reply("503-550 no such user")
		st.reply("503 Valid RCPT command must precede DATA")
		return
	}
	st.reply("354 Enter message, ending with \".\" on a line by itself")
	msg, ok := readDotted(st.br)
	if !ok {
		return
	}
	st.s.mu.Lock()
	st.s.messages = append(st.s.messages, msg)
	st.s.mu.Unlock()
	st.c.messages++
	st.mail, st.validRcpt = false, 0
	st.reply(st.s.dataReply)
}

// readDotted reads up to the lone "." line and removes dot-stuffing.
func readDotted(br *bufio.Reader) ([]byte, bool) {
	var msg bytes.Buffer
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, false
		}
		if line == ".\r\n" {
			return msg.Bytes(), true
		}
		msg.WriteString(strings.TrimPrefix(line, "."))
	}
}

func (s *sink) snapshot() (conns []sinkConn, messages [][]byte, protoErrs []string, maxOpen int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		conns = append(conns, *c)
	}
	return conns, s.messages, s.protocolErrors, s.maxOpen
}
