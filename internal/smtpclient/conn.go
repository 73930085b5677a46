// Package smtpclient is the wire level of Exim's SMTP client (smtp_out.c):
// one connection with Exim's command buffer for PIPELINING, its response
// reader (multi-line replies joined with "\n", malformed replies spotted),
// per-read deadlines and STARTTLS. What the commands mean is the smtp
// transport's business.
package smtpclient

import (
	"bufio"
	"context"
	"crypto/tls"
	"net"
	"syscall"
	"time"
)

// BufferSize is the size of Exim's SMTP command and response buffers:
// a pipelined batch is flushed before it would grow past it, and a reply
// line that does not fit is malformed.
const BufferSize = 4096

// Conn is one SMTP client connection.
type Conn struct {
	raw net.Conn // the TCP connection
	nc  net.Conn // raw, or the TLS layer over it
	r   *bufio.Reader

	out     []byte // commands buffered for pipelining
	pending int    // how many commands out holds

	// LastCommand is the last command written, without CRLF, for error
	// messages (Exim's big_buffer). While Authenticating is set, AUTH
	// data in it is hidden with '*' as Exim does.
	LastCommand    string
	Authenticating bool

	// WriteTimeout bounds each write; 0 means no limit.
	WriteTimeout time.Duration

	tls *tls.ConnectionState
}

// Dial connects to addr ("ip:port") within timeout, from local (an IP
// address, "" for any) as Exim's smtp_sock_connect does.
func Dial(ctx context.Context, addr, local string, timeout time.Duration) (*Conn, error) {
	d := net.Dialer{Timeout: timeout}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return New(nc), nil
}

// New wraps an established connection.
func New(nc net.Conn) *Conn {
	return &Conn{raw: nc, nc: nc, r: bufio.NewReaderSize(nc, BufferSize)}
}

// LocalAddr and RemoteAddr are the TCP endpoints.
func (c *Conn) LocalAddr() net.Addr  { return c.raw.LocalAddr() }
func (c *Conn) RemoteAddr() net.Addr { return c.raw.RemoteAddr() }

// TLS is the state of the TLS session, nil before STARTTLS.
func (c *Conn) TLS() *tls.ConnectionState { return c.tls }

// Close closes the connection without a word.
func (c *Conn) Close() error { return c.nc.Close() }

// CloseWrite half-closes the TCP connection after the output (Exim sends
// QUIT and then shuts its side down so that the FIN goes with it).
func (c *Conn) CloseWrite() {
	if tc, ok := c.raw.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
}

// Buffered reports whether reply bytes are waiting unread.
func (c *Conn) Buffered() int { return c.r.Buffered() }

// StartTLS runs the TLS handshake (after a 220 to STARTTLS). Replies
// already read past the 220 would break the protocol: Exim fails the
// session with "synch error before connect", and so does StartTLS.
func (c *Conn) StartTLS(cfg *tls.Config, timeout time.Duration) error {
	if c.r.Buffered() > 0 {
		return errSynch
	}
	tc := tls.Client(c.raw, cfg)
	if timeout > 0 {
		_ = c.raw.SetDeadline(time.Now().Add(timeout))
		defer c.raw.SetDeadline(time.Time{})
	}
	if err := tc.Handshake(); err != nil {
		return err
	}
	st := tc.ConnectionState()
	c.tls = &st
	c.nc = tc
	c.r.Reset(tc)
	return nil
}

// Quiet reports, without waiting, that nothing has arrived on the
// connection: no data and no end of file. A kept idle connection that is
// not quiet has been closed or talked on by the server (a 421 on idle
// timeout) and is not fit for another message.
func (c *Conn) Quiet() bool {
	if c.r.Buffered() > 0 {
		return false
	}
	sc, ok := c.raw.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	quiet := false
	err = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, rerr := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		quiet = rerr == syscall.EAGAIN || rerr == syscall.EWOULDBLOCK
		return true // never wait
	})
	return err == nil && quiet
}
