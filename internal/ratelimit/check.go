package ratelimit

import (
	"crypto/md5"
	"encoding/binary"
	"math"
	"time"

	"exigo/internal/hints"
)

// Vars are the expansion variables the condition sets.
type Vars struct {
	Rate   string // $sender_rate, "%.1f"; empty when the database failed
	Limit  string // $sender_rate_limit: m as written
	Period string // $sender_rate_period: p as written
}

// errUnavailable is Exim's DEFER when the hints database cannot be used.
var errUnavailable = &Error{Msg: "ratelimit database not available", Defer: true}

// maxBloom bounds the Bloom filter (two bytes per event at the limit).
// Exim dies on the allocation for limits in the hundreds of millions;
// this refuses well before a filter could exhaust memory.
const maxBloom = 64 << 20

// Check evaluates the condition at time now against the ratelimit hints
// database db (nil when it could not be opened). over is the condition's
// value: the rate is at or above the limit.
func (s *Session) Check(db *hints.DB, sp *Spec, now time.Time) (over bool, v Vars, err error) {
	v = Vars{Limit: sp.LimitText, Period: sp.PeriodText}
	s.debugf("ratelimit condition count=%s %s/%s", formatF(sp.Count, 0), formatF(sp.Limit, 1), sp.Key)
	if rate, ok := s.cached(sp.cache, sp.Key); ok {
		v.Rate = formatF(rate, 1)
		s.debugf("ratelimit found pre-computed rate %s", v.Rate)
		return !(rate < sp.Limit), v, nil
	}
	if db == nil {
		s.debugf("ratelimit database not available")
		return false, v, errUnavailable
	}
	rate, err := s.compute(db, sp, now)
	if err != nil {
		return false, v, err
	}
	s.remember(sp.cache, sp.Key, rate)
	v.Rate = formatF(rate, 1)
	s.debugf("ratelimit computed rate %s", v.Rate)
	return !(rate < sp.Limit), v, nil
}

// compute reads, updates and (when the mode says so) stores the rate.
func (s *Session) compute(db *hints.DB, sp *Spec, now time.Time) (float64, error) {
	if sp.Readonly {
		rec, ok, err := db.Get(sp.Key)
		if err != nil {
			return 0, errUnavailable
		}
		var stored []byte
		if ok {
			stored = rec.Data
		}
		b, _, err := s.step(sp, stored, now)
		if err != nil {
			return 0, err
		}
		s.debugf("ratelimit db not updated: readonly mode")
		return b.rate(), nil
	}
	var b block
	var write bool
	var stepErr error
	err := db.Update(sp.Key, func(old *hints.Record) ([]byte, bool) {
		var stored []byte
		if old != nil {
			stored = old.Data
		}
		b, write, stepErr = s.step(sp, stored, now)
		if stepErr != nil || !write {
			return nil, false
		}
		return b, false
	})
	if stepErr != nil {
		return 0, stepErr
	}
	if err != nil {
		return 0, errUnavailable
	}
	if write {
		s.debugf("ratelimit db updated")
	} else {
		s.debugf("ratelimit db not updated: over the limit, but leaky")
	}
	return b.rate(), nil
}

// step works out the new record from the stored one (nil when there is
// none) and whether Exim would store it.
func (s *Session) step(sp *Spec, stored []byte, now time.Time) (block, bool, error) {
	sec, usec := now.Unix(), int32(now.Nanosecond()/1000)
	b, haveRate, err := s.startBlock(sp, stored, sec)
	if err != nil {
		return nil, false, err
	}
	count := sp.Count
	if sp.HasUnique && !sp.Readonly && s.seen(b, sp.Unique) {
		count = 0
	}
	if !haveRate {
		s.debugf("ratelimit initializing new key's rate data")
		b.setRate(count)
	} else {
		b.setRate(smooth(b, sec, usec, count, sp.Period))
	}
	b.setTime(sec, usec)
	over := !(b.rate() < sp.Limit)
	return b, (!over && sp.Leaky) || sp.Strict, nil
}

// startBlock is the record to work on: the stored one, or a new one when
// there is none or its Bloom filter is too old or too small (keeping the
// stored rate, which is the longer memory). haveRate says the record
// carries a previous rate.
func (s *Session) startBlock(sp *Spec, stored []byte, sec int64) (block, bool, error) {
	var prev block
	if len(stored) >= basicSize { // shorter is not a ratelimit record
		s.debugf("ratelimit found key in database")
		prev = append(block(nil), stored...)
		if !sp.HasUnique || !s.discardBloom(sp, prev, sec) {
			return prev, true, nil
		}
	}
	if !sp.HasUnique {
		s.debugf("ratelimit creating new rate data block")
		return make(block, basicSize), false, nil
	}
	s.debugf("ratelimit creating new Bloom filter")
	if cInt(sp.Limit) > maxBloom/2 {
		return nil, false, &Error{Msg: "ratelimit Bloom filter too large", Defer: true}
	}
	b := newUniqueBlock(sp.Limit, sec)
	if prev != nil {
		copy(b[:basicSize], prev[:basicSize])
	}
	return b, prev != nil, nil
}

// discardBloom says whether a stored filter must be started afresh: it
// is more than a period old (so each event counts once per period), or
// the record is too small to hold one.
func (s *Session) discardBloom(sp *Spec, b block, sec int64) bool {
	discard := false
	if len(b) >= offEpoch+8 && float64(sec) > float64(b.epoch())+sp.Period {
		s.debugf("ratelimit discarding old Bloom filter")
		discard = true
	}
	if len(b) < uniqueSize {
		s.debugf("ratelimit discarding undersize Bloom filter")
		discard = true
	}
	return discard
}

// seen looks the event up in the Bloom filter and adds it. Eight bits
// are set per event, at h1 + n*h2 with h1 and h2 from the event's MD5.
func (s *Session) seen(b block, event string) bool {
	sum := md5.Sum([]byte(event))
	hash := binary.LittleEndian.Uint32(sum[0:4])
	hinc := binary.LittleEndian.Uint32(sum[4:8])
	s.debugf("ratelimit checking uniqueness of %s", event)
	bloom := b.bloom()
	seen := len(bloom) > 0 // an empty filter (a damaged record) sees nothing
	for n := 0; n < 8 && len(bloom) > 0; n++ {
		bit := byte(1) << (hash % 8)
		i := (hash / 8) % uint32(len(bloom))
		if bloom[i]&bit == 0 {
			bloom[i] |= bit
			seen = false
		}
		hash += hinc
	}
	if seen {
		s.debugf("ratelimit event found in Bloom filter")
	} else {
		s.debugf("ratelimit event added to Bloom filter")
	}
	return seen
}

// smooth is the manual's exponentially weighted moving average for a
// variable interval: with a = exp(-interval/period), the new rate is
// (1-a)*count*period/interval + a*old, but never below count, so an
// event after a long silence counts as count per period. The explicit
// conversions keep the compiler from fusing operations, so the result
// rounds as Exim's does.
func smooth(b block, sec int64, usec int32, count, period float64) float64 {
	thisTime := float64(sec) + float64(usec)/1000000.0
	prevTime := float64(b.stamp()) + float64(b.usec())/1000000.0
	interval := thisTime - prevTime
	if interval <= 0 { // the clock went back: a tiny interval, not a division by zero
		interval = 1e-9
	}
	iOverP := interval / period
	a := math.Exp(-iOverP)
	rate := float64(float64((1-a)*count)/iOverP) + float64(a*b.rate())
	if rate < count {
		rate = count
	}
	return rate
}
