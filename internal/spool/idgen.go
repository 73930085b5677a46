package spool

import (
	"sync"
	"time"
)

// Exim makes ids unique by (time to 1/200 s, pid) and, before a process
// can make another id, waits for the clock to pass the tick of the last
// one. Exigo receives many messages at once in one process, so IDGen
// hands out several ids per tick instead of waiting: the first id of a
// tick carries the real pid, exactly as Exim would write it; the k-th
// further id of the same tick carries pid + k*pidSpan in the pid field.
//
// Linux never gives a process an id of pidSpan (PID_MAX_LIMIT, 2^22) or
// more, so these values can be neither the pid of another process (Exim
// or exigo) nor the pid+k*pidSpan of another exigo process: every id stays
// unique on the host. The time and fraction fields are those of the real
// clock (never ahead of it), so the ids remain valid Exim ids that sort by
// time as Exim sorts them (time, then fraction, ignoring the pid). A
// six-digit base-62 field leaves room for maxExtraPerTick extra ids per
// tick (2.7 million a second); past that, Next waits for the next tick as
// Exim does.
const (
	pidSpan         = 1 << 22
	pidFieldLimit   = 62 * 62 * 62 * 62 * 62 * 62
	maxExtraPerTick = (pidFieldLimit - pidSpan) / pidSpan
)

// IDGen makes message ids that are unique within the process and on the
// host; it is safe for concurrent use.
type IDGen struct {
	pid  int64
	host int // localhost_number, -1 when unset
	now  func() time.Time

	mu   sync.Mutex
	tick int64 // the tick ids are being made in
	used int64 // ids made in that tick so far
}

// NewIDGen makes a generator for process pid (os.Getpid()) and
// localhost_number (-1 when unset).
func NewIDGen(pid, localhostNumber int) *IDGen {
	return &IDGen{pid: int64(pid % pidSpan), host: localhostNumber, now: time.Now, tick: -1}
}

// Next returns a new id and the arrival time it stands for, which is the
// message's received time (Exim makes the id from that time).
func (g *IDGen) Next() (string, time.Time) {
	for {
		if id, t, ok := g.tryNext(); ok {
			return id, t
		}
		time.Sleep(resolution * time.Microsecond)
	}
}

func (g *IDGen) tryNext() (string, time.Time, bool) {
	g.mu.Lock()
	now := g.now()
	tick := now.UnixMicro() / resolution
	if tick > g.tick {
		g.tick, g.used = tick, 0
	}
	if g.used > maxExtraPerTick {
		g.mu.Unlock()
		return "", time.Time{}, false
	}
	k := g.used
	g.used++
	if tick < g.tick {
		// The clock stepped back: stay in the last tick, so that ids stay
		// unique and in order.
		now = time.UnixMicro(g.tick * resolution)
	}
	g.mu.Unlock()
	return formatID(now.Unix(), g.pid+k*pidSpan, fraction(now, g.host)), now, true
}
