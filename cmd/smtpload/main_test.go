package main

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"
)

// testConfig is a run against addr with the flags' defaults.
func testConfig(t *testing.T, addr string, args ...string) config {
	t.Helper()
	c, err := parseFlags(append([]string{"-addr", addr}, args...), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	c.timeout = 5 * time.Second
	return c
}

func TestCountsAndPerConnectionLimit(t *testing.T) {
	s := newSink(t).start()
	r := runLoad(testConfig(t, s.addr(), "-c", "1", "-n", "10", "-m", "4"))
	s.stop()
	conns, msgs, perr, _ := s.snapshot()
	if r.Sent != 10 || r.Accepted != 10 || r.Rejected != 0 || r.Errors != 0 || r.Connections != 3 {
		t.Fatalf("result %+v", r)
	}
	want := []int{4, 4, 2}
	for i, c := range conns {
		if c.messages != want[i] || !c.quit || c.earlyTalker {
			t.Errorf("connection %d: %+v, want %d messages, QUIT, no early talk", i, c, want[i])
		}
	}
	if len(msgs) != 10 || len(perr) != 0 {
		t.Errorf("sink got %d messages, protocol errors %v", len(msgs), perr)
	}
	if r.LatMaxMs <= 0 || r.LatP50Ms > r.LatP90Ms || r.LatP90Ms > r.LatP99Ms || r.LatP99Ms > r.LatMaxMs || r.ConnectP50Ms <= 0 {
		t.Errorf("latencies %+v", r)
	}
}

func TestConcurrentRunSendsExactlyN(t *testing.T) {
	s := newSink(t).start()
	r := runLoad(testConfig(t, s.addr(), "-c", "3", "-n", "25", "-m", "4"))
	s.stop()
	conns, msgs, perr, maxOpen := s.snapshot()
	if r.Accepted != 25 || r.Sent != 25 || len(msgs) != 25 || len(perr) != 0 {
		t.Fatalf("result %+v, sink %d messages, errors %v", r, len(msgs), perr)
	}
	if r.Connections != int64(len(conns)) || len(conns) < 7 || maxOpen > 3 {
		t.Errorf("%d connections (sink saw %d, at most %d at once)", r.Connections, len(conns), maxOpen)
	}
	for i, c := range conns {
		if c.messages > 4 || c.messages == 0 {
			t.Errorf("connection %d carried %d messages", i, c.messages)
		}
	}
}

func TestZeroPerConnectionMeansOneConnection(t *testing.T) {
	s := newSink(t).start()
	r := runLoad(testConfig(t, s.addr(), "-c", "1", "-n", "7", "-m", "0"))
	s.stop()
	conns, _, _, _ := s.snapshot()
	if r.Accepted != 7 || len(conns) != 1 || conns[0].messages != 7 || !conns[0].quit {
		t.Fatalf("result %+v, connections %+v", r, conns)
	}
}

func TestPipelining(t *testing.T) {
	for _, tc := range []struct {
		offered, asked, want bool
	}{
		{true, true, true},
		{true, false, false},
		{false, true, false},
	} {
		s := newSink(t)
		s.pipelining = tc.offered
		s.start()
		args := []string{"-c", "1", "-n", "3", "-m", "0", "-to", "a@x,b@x"}
		if tc.asked {
			args = append(args, "-pipelining")
		}
		r := runLoad(testConfig(t, s.addr(), args...))
		s.stop()
		conns, msgs, perr, _ := s.snapshot()
		if r.Accepted != 3 || len(msgs) != 3 || len(perr) != 0 || r.Pipelining != tc.want {
			t.Fatalf("%+v: result %+v, protocol errors %v", tc, r, perr)
		}
		for _, b := range conns[0].batched {
			if b != tc.want {
				t.Errorf("%+v: envelope batched=%v", tc, conns[0].batched)
			}
		}
	}
}

func TestDotStuffedBodyArrivesIntact(t *testing.T) {
	s := newSink(t).start()
	r := runLoad(testConfig(t, s.addr(), "-c", "1", "-n", "2", "-s", "3000"))
	s.stop()
	_, msgs, _, _ := s.snapshot()
	if r.Accepted != 2 || len(msgs) != 2 {
		t.Fatalf("result %+v", r)
	}
	for _, m := range msgs {
		header, body, ok := bytes.Cut(m, []byte("\r\n\r\n"))
		if !ok || len(m) != 3000 {
			t.Fatalf("message of %d bytes, header end found %v", len(m), ok)
		}
		if !bytes.Equal(body, makeBody(len(body))) {
			t.Errorf("body changed in transit")
		}
		if !bytes.Contains(body, []byte("\r\n.")) {
			t.Errorf("test body has no line starting with '.'")
		}
		if !bytes.Contains(header, []byte("Subject: smtpload message 000000000")) {
			t.Errorf("header %q", header)
		}
	}
}

func TestRejectionsCountedByClass(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rcpt      string
		data      string
		pipe      bool
		want4, w5 int64
	}{
		{"rcpt 550", "550 no such user", "", false, 0, 4},
		{"rcpt 550 pipelined", "550 no such user", "", true, 0, 4},
		{"rcpt 451 pipelined", "451 try later", "", true, 4, 0},
		{"data 554", "", "554 content rejected", false, 0, 4},
		{"data 452", "", "452 no space", true, 4, 0},
	} {
		s := newSink(t)
		s.pipelining = true
		if tc.rcpt != "" {
			s.rcptReply = func(string) string { return tc.rcpt }
		}
		if tc.data != "" {
			s.dataReply = tc.data
		}
		s.start()
		args := []string{"-c", "1", "-n", "4", "-m", "0"}
		if tc.pipe {
			args = append(args, "-pipelining")
		}
		r := runLoad(testConfig(t, s.addr(), args...))
		s.stop()
		_, _, perr, _ := s.snapshot()
		if r.Sent != 4 || r.Accepted != 0 || r.Rejected4xx != tc.want4 || r.Rejected5xx != tc.w5 ||
			r.Rejected != 4 || r.Errors != 0 || len(perr) != 0 {
			t.Errorf("%s: result %+v, sink protocol errors %v", tc.name, r, perr)
		}
	}
}

func TestOneRefusedRecipientOfTwoStillDelivers(t *testing.T) {
	s := newSink(t)
	s.rcptReply = func(r string) string {
		if strings.HasPrefix(r, "bad") {
			return "550 no such user"
		}
		return "250 OK"
	}
	s.start()
	r := runLoad(testConfig(t, s.addr(), "-c", "1", "-n", "3", "-to", "bad@x,good@x"))
	s.stop()
	if r.Accepted != 3 || r.Rejected != 0 {
		t.Fatalf("result %+v", r)
	}
}

func TestConnectionErrorsStopTheRun(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: every connect is refused
	r := runLoad(testConfig(t, addr, "-c", "2", "-n", "5", "-max-errors", "3"))
	if r.Sent != 0 || r.Accepted != 0 || r.Errors < 3 || r.FirstError == "" {
		t.Fatalf("result %+v", r)
	}
}

func TestIdleHoldsConnections(t *testing.T) {
	s := newSink(t).start()
	var progress bytes.Buffer
	c := testConfig(t, s.addr(), "-idle", "5", "-c", "2", "-hold", "150ms")
	r := runIdle(c, &progress)
	s.stop()
	conns, msgs, _, maxOpen := s.snapshot()
	if r.Opened != 5 || r.OpenAtEnd != 5 || r.Failed != 0 || maxOpen != 5 || len(msgs) != 0 {
		t.Fatalf("result %+v, sink max open %d", r, maxOpen)
	}
	for i, sc := range conns {
		if !sc.quit {
			t.Errorf("connection %d not QUIT", i)
		}
	}
	if !strings.Contains(progress.String(), "5 of 5 connections open") {
		t.Errorf("progress %q", progress.String())
	}
}

func TestIdleNoticesServerHangUp(t *testing.T) {
	s := newSink(t)
	s.hangUp = true
	s.start()
	r := runIdle(testConfig(t, s.addr(), "-idle", "3", "-hold", "100ms"), &bytes.Buffer{})
	s.stop()
	if r.Opened != 3 || r.OpenAtEnd != 0 {
		t.Fatalf("result %+v", r)
	}
}

func TestRunMainPrintsJSONAndText(t *testing.T) {
	s := newSink(t).start()
	var out, errOut bytes.Buffer
	status := runMain([]string{"-addr", s.addr(), "-c", "2", "-n", "6", "-json"}, &out, &errOut)
	var r result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil || status != 0 || r.Accepted != 6 || r.MsgsPerS <= 0 {
		t.Fatalf("status %d, %v, %q %q", status, err, out.String(), errOut.String())
	}
	s.stop()
	out.Reset()
	s = newSink(t)
	s.dataReply = "550 no"
	s.start()
	status = runMain([]string{"-addr", s.addr(), "-c", "1", "-n", "2"}, &out, &errOut)
	s.stop()
	for _, want := range []string{"messages sent        2\n", "rejected             2 (4xx 0, 5xx 2, other 0)\n", "end-of-data latency  p50 "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, out.String())
		}
	}
	if status != 1 {
		t.Errorf("status %d with rejections, want 1", status)
	}
}

func TestBadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	for _, args := range [][]string{{"-c", "0"}, {"-to", " , "}, {"-n", "-1"}, {"extra"}} {
		if status := runMain(args, &out, &errOut); status != 2 {
			t.Errorf("%v: status %d, want 2", args, status)
		}
	}
}
