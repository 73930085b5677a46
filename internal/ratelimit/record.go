package ratelimit

import (
	"encoding/binary"
	"math"
)

// The stored data has the layout of Exim's dbdata_ratelimit and
// dbdata_ratelimit_unique structures on a 64-bit machine (little endian):
//
//	0  time_stamp  int64   seconds of the last update
//	8  time_usec   int32   microseconds of the last update
//	16 rate        float64 smoothed rate at that time
//	24 bloom_epoch int64   when the Bloom filter was started (unique= only)
//	32 bloom_size  uint32  bytes in the filter
//	36 bloom       [bloom_size]byte, then padding to at least 80 bytes
const (
	offStamp      = 0
	offUsec       = 8
	offRate       = 16
	basicSize     = 24
	offEpoch      = 24
	offBloomSize  = 32
	offBloom      = 36
	minBloomBytes = 40
	uniqueSize    = 80 // sizeof(dbdata_ratelimit_unique), with its padding
)

var le = binary.LittleEndian

// block is one ratelimit record being worked on.
type block []byte

func (b block) stamp() int64     { return int64(le.Uint64(b[offStamp:])) }
func (b block) usec() int32      { return int32(le.Uint32(b[offUsec:])) }
func (b block) rate() float64    { return math.Float64frombits(le.Uint64(b[offRate:])) }
func (b block) epoch() int64     { return int64(le.Uint64(b[offEpoch:])) }
func (b block) bloomSize() int64 { return int64(le.Uint32(b[offBloomSize:])) }

func (b block) setTime(sec int64, usec int32) {
	le.PutUint64(b[offStamp:], uint64(sec))
	le.PutUint32(b[offUsec:], uint32(usec))
}

func (b block) setRate(r float64) { le.PutUint64(b[offRate:], math.Float64bits(r)) }

// bloom is the filter; a bloom_size beyond the record's end is not trusted.
func (b block) bloom() []byte {
	n := min(b.bloomSize(), int64(len(b)-offBloom))
	return b[offBloom : offBloom+n]
}

// newUniqueBlock makes a record with an empty Bloom filter sized for the
// limit: two bytes (16 bits) per event at the limit, at least 40 bytes.
// The size is worked out with C int arithmetic, as Exim does.
func newUniqueBlock(limit float64, epoch int64) block {
	extra := cInt(limit)*2 - minBloomBytes
	if extra < 0 {
		extra = 0
	}
	b := make(block, uniqueSize+int(extra))
	le.PutUint64(b[offEpoch:], uint64(epoch))
	le.PutUint32(b[offBloomSize:], uint32(minBloomBytes+extra))
	return b
}

// cInt is C's (int) conversion of a double on x86-64: out of range and
// NaN give INT_MIN.
func cInt(f float64) int32 {
	if f != f || f >= 1<<31 || f <= -(1<<31)-1 {
		return math.MinInt32
	}
	return int32(f)
}
