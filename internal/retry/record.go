package retry

import (
	"bytes"
	"encoding/binary"
	"errors"
	"time"
)

// Hints records written by exigo keep the layout of Exim 4.96's
// structures on a 64-bit machine, little endian; every one starts with
// the time it was written (time_stamp, seconds).
//
// dbdata_retry:
//
//	0  time_stamp   int64
//	8  first_failed int64
//	16 last_try     int64
//	24 next_try     int64
//	32 expired      int32
//	36 basic_errno  int32
//	40 more_errno   int32
//	44 text         NUL-terminated, the record being 48 bytes + its length
const (
	retryHeader = 44
	retrySize   = 48 // sizeof(dbdata_retry)
	// TextLimit is how much of an error text a record keeps (EXIM_DB_RLIMIT).
	TextLimit = 150
)

var le = binary.LittleEndian

// Record is a retry record: how long a destination has been failing and
// when to try it next.
type Record struct {
	Stamp       time.Time // when the record was written
	FirstFailed time.Time
	LastTry     time.Time
	NextTry     time.Time
	Expired     bool // the last cutoff has passed
	BasicErrno  int
	MoreErrno   int
	Text        string
}

// Encode lays the record out as Exim does; Text is cut to TextLimit.
func (r *Record) Encode() []byte {
	text := r.Text
	if len(text) > TextLimit {
		text = text[:TextLimit]
	}
	b := make([]byte, retrySize+len(text))
	le.PutUint64(b[0:], uint64(r.Stamp.Unix()))
	le.PutUint64(b[8:], uint64(r.FirstFailed.Unix()))
	le.PutUint64(b[16:], uint64(r.LastTry.Unix()))
	le.PutUint64(b[24:], uint64(r.NextTry.Unix()))
	if r.Expired {
		le.PutUint32(b[32:], 1)
	}
	le.PutUint32(b[36:], uint32(int32(r.BasicErrno)))
	le.PutUint32(b[40:], uint32(int32(r.MoreErrno)))
	copy(b[retryHeader:], text)
	return b
}

// ErrShort: the data is too short to be a retry record.
var ErrShort = errors.New("retry record too short")

// Decode reads a record Encode (or Exim) wrote.
func Decode(b []byte) (*Record, error) {
	if len(b) < retryHeader {
		return nil, ErrShort
	}
	text := b[retryHeader:]
	if i := bytes.IndexByte(text, 0); i >= 0 {
		text = text[:i]
	}
	return &Record{
		Stamp:       unix(b[0:]),
		FirstFailed: unix(b[8:]),
		LastTry:     unix(b[16:]),
		NextTry:     unix(b[24:]),
		Expired:     le.Uint32(b[32:]) != 0,
		BasicErrno:  int(int32(le.Uint32(b[36:]))),
		MoreErrno:   int(int32(le.Uint32(b[40:]))),
		Text:        string(text),
	}, nil
}

func unix(b []byte) time.Time { return time.Unix(int64(le.Uint64(b)), 0) }

// StampOf is the time_stamp every exigo hints record begins with, or
// fallback (the database's own write time) for data too short to hold one.
func StampOf(data []byte, fallback time.Time) time.Time {
	if len(data) < 8 {
		return fallback
	}
	return unix(data)
}
