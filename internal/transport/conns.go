package transport

import (
	"io"
	"sync"
)

// Conns holds idle connections of remote transports so that the next
// message for the same host goes down the same connection, as Exim
// passes its open SMTP connection on. The delivery process (a queue run)
// makes one, puts it in every Env, and calls Close when it is done, which
// ends each connection politely (QUIT). Keys are the transports' own.
type Conns struct {
	mu   sync.Mutex
	idle map[string][]io.Closer
}

// NewConns makes an empty set.
func NewConns() *Conns { return &Conns{idle: map[string][]io.Closer{}} }

// Take removes and returns an idle connection for key, nil when none.
func (c *Conns) Take(key string) io.Closer {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.idle[key]
	if len(l) == 0 {
		return nil
	}
	conn := l[len(l)-1]
	if len(l) == 1 {
		delete(c.idle, key)
	} else {
		c.idle[key] = l[:len(l)-1]
	}
	return conn
}

// Put keeps conn for a later Take; with a nil set it closes conn.
func (c *Conns) Put(key string, conn io.Closer) {
	if c == nil {
		conn.Close()
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.idle[key] = append(c.idle[key], conn)
}

// Idle counts the connections kept.
func (c *Conns) Idle() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, l := range c.idle {
		n += len(l)
	}
	return n
}

// Close closes every idle connection.
func (c *Conns) Close() {
	c.mu.Lock()
	all := c.idle
	c.idle = map[string][]io.Closer{}
	c.mu.Unlock()
	for _, l := range all {
		for _, conn := range l {
			conn.Close()
		}
	}
}
