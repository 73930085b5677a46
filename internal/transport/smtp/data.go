package smtp

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"exigo/internal/item"
	"exigo/internal/smtpclient"
	"exigo/internal/transport"
)

// Exim's DELIVER_OUT_BUFFER_SIZE: a CHUNKING message bigger than this
// sends its headers in a first BDAT, so that refused recipients are known
// before the body goes.
const outBufferSize = 8192

// counter counts the bytes written through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// errChunk: the reply to a BDAT (or to the commands reaped with it) was
// bad; t.errno and t.buffer say how.
var errChunk = errors.New("chunk reply")

// writeDATA sends the message after a 354: CRLF line ends, dot-stuffing
// (headers too) and the final dot.
func (t *txn) writeDATA() error {
	o := t.d.write
	o.CRLF, o.EndDot, o.CheckString, o.EscapeString, o.EscapeHeaders = true, true, ".", "..", true
	return t.send(&o)
}

// send writes the message with o, counting the bytes for Exim's
// "(N bytes written)".
func (t *txn) send(o *transport.WriteOptions) error {
	c := &counter{w: t.s.conn}
	t.s.conn.WriteTimeout = t.d.o.dataTimeout
	defer func() { t.s.conn.WriteTimeout = t.d.o.commandTimeout }()
	_, err := transport.WriteMessage(c, t.d.msg, o)
	t.s.written += c.n
	return err
}

// size is how many bytes o makes of the message.
func (t *txn) size(o transport.WriteOptions) (int64, error) {
	n, err := transport.WriteMessage(io.Discard, t.d.msg, &o)
	return n.Bytes, err
}

// writeBDAT sends the message in BDAT chunks, as Exim's
// transport_write_message with topt_use_bdat and the smtp transport's
// chunk callback: one "BDAT n LAST" for small messages; for large ones
// the headers first, their replies and the pipelined MAIL/RCPT replies
// read, then the body.
func (t *txn) writeBDAT() error {
	o := t.d.write
	o.CRLF = true
	var hsize, size int64
	var err error
	if !o.NoHeaders {
		ho := o
		ho.NoBody = true
		if hsize, err = t.size(ho); err != nil {
			return err
		}
	}
	if size, err = t.size(o); err != nil {
		return err
	}
	if size > outBufferSize && hsize > 0 {
		ho := o
		ho.NoBody = true
		if err := t.chunk(hsize, false, false); err != nil {
			return err
		}
		if err := t.send(&ho); err != nil {
			return err
		}
		if err := t.chunk(0, false, true); err != nil {
			return err
		}
		o.NoHeaders = true
		size -= hsize
	}
	if err := t.chunk(size, true, false); err != nil {
		return err
	}
	return t.send(&o)
}

// chunk is smtp_chunk_cmd_callback: send "BDAT size [LAST]" (with any
// buffered commands), reap the replies owed for earlier commands when
// asked, and always the reply to an earlier BDAT.
func (t *txn) chunk(size int64, last, reap bool) error {
	s := t.s
	count := 0
	if size > 0 {
		mode := smtpclient.More
		if reap {
			mode = smtpclient.Flush
		}
		line := fmt.Sprintf("BDAT %d", size)
		if last {
			line += " LAST"
		}
		n, err := s.write(mode, line)
		if err != nil {
			t.errno = smtpclient.Errno(err)
			return err
		}
		count = n
	}
	count += t.cmdCount
	prev := count
	if size > 0 {
		prev--
	}
	if t.pendingBDAT {
		prev--
	}
	if reap && prev > 0 {
		switch t.syncResponses(prev, 0) {
		case 1, 3:
			t.completed = true
		case 2:
			t.completed = true
		case 0:
		default:
			return errChunk
		}
		count = 1
		if !t.pendingBDAT {
			s.pipelined = false
		}
	}
	if t.pendingBDAT {
		if resp, good := t.read('2'); !good {
			if t.errno == 0 && strings.HasPrefix(resp, "4") {
				t.errno = item.ErrnoData4xx
				code4xx(t.d.rcpts[0].a, resp)
			}
			return errChunk
		}
		count--
		t.pendingBDAT, s.pipelined = false, false
	} else if size > 0 {
		t.pendingBDAT = true
	}
	t.cmdCount = count
	return nil
}
