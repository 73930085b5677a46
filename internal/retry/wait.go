package retry

import (
	"errors"
	"time"
)

// Wait records (the wait-<transport> databases: messages waiting for a
// host) have the layout of Exim's dbdata_wait:
//
//	0  time_stamp int64
//	8  count      int32  message ids in this record
//	12 sequence   int32  continuation records "key:0" ... "key:sequence-1"
//	16 text       the ids, 16 characters each, no separators
const (
	waitHeader = 16
	waitSize   = 24 // sizeof(dbdata_wait)
	// IDLength is a 4.96 message id's length.
	IDLength = 16
	// WaitNameMax is the most ids one record holds; WaitContMax the most
	// continuation records.
	WaitNameMax = 50
	WaitContMax = 1000
)

// WaitRecord lists messages waiting for a host.
type WaitRecord struct {
	Stamp    time.Time
	Sequence int
	IDs      []string
}

// Encode lays the record out as Exim does.
func (w *WaitRecord) Encode() []byte {
	b := make([]byte, waitSize+IDLength*len(w.IDs))
	le.PutUint64(b[0:], uint64(w.Stamp.Unix()))
	le.PutUint32(b[8:], uint32(len(w.IDs)))
	le.PutUint32(b[12:], uint32(w.Sequence))
	for i, id := range w.IDs {
		copy(b[waitHeader+i*IDLength:waitHeader+(i+1)*IDLength], id)
	}
	return b
}

// rawWait is a wait record as stored, count and text unchecked (the dump
// and tidy programs report corrupt ones).
type rawWait struct {
	stamp           time.Time
	count, sequence int
	text            []byte
}

func decodeRawWait(b []byte) (rawWait, error) {
	if len(b) < waitHeader {
		return rawWait{}, errors.New("wait record too short")
	}
	return rawWait{
		stamp:    unix(b),
		count:    int(int32(le.Uint32(b[8:]))),
		sequence: int(int32(le.Uint32(b[12:]))),
		text:     b[waitHeader:],
	}, nil
}

// DecodeWait reads a wait record.
func DecodeWait(b []byte) (*WaitRecord, error) {
	r, err := decodeRawWait(b)
	if err != nil {
		return nil, err
	}
	if r.count < 0 || r.count > WaitNameMax || len(r.text) < r.count*IDLength {
		return nil, errors.New("wait record corrupted")
	}
	w := &WaitRecord{Stamp: r.stamp, Sequence: r.sequence}
	for i := 0; i < r.count; i++ {
		w.IDs = append(w.IDs, string(r.text[i*IDLength:(i+1)*IDLength]))
	}
	return w, nil
}
