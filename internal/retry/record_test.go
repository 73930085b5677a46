package retry

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

func TestRecordLayout(t *testing.T) {
	r := &Record{
		Stamp: time.Unix(0x0102030405, 0), FirstFailed: time.Unix(1, 0), LastTry: time.Unix(2, 0),
		NextTry: time.Unix(3, 0), Expired: true, BasicErrno: -44, MoreErrno: 51 << 8, Text: "abc",
	}
	b := r.Encode()
	want := "0504030201000000" + "0100000000000000" + "0200000000000000" + "0300000000000000" +
		"01000000" + "d4ffffff" + "00330000" + "616263" + "00000000"
	if got := hex.EncodeToString(b); got != want {
		t.Errorf("layout\n got %s\nwant %s", got, want)
	}
	back, err := Decode(b)
	if err != nil || *back != *r {
		t.Errorf("round trip: %+v %v", back, err)
	}
	long := &Record{Text: strings.Repeat("x", 200)}
	if b := long.Encode(); len(b) != retrySize+TextLimit || !bytes.HasSuffix(b[:retryHeader+TextLimit], []byte("xxx")) {
		t.Errorf("long text: %d bytes", len(b))
	}
	if _, err := Decode(b[:10]); err != ErrShort {
		t.Errorf("short: %v", err)
	}
}

func TestWaitLayout(t *testing.T) {
	w := &WaitRecord{Stamp: time.Unix(7, 0), Sequence: 2, IDs: []string{"1xXtXs-0006vK-1i", "1xXtXs-0006vM-1k"}}
	b := w.Encode()
	if len(b) != waitSize+2*IDLength || b[8] != 2 || b[12] != 2 || string(b[16:32]) != "1xXtXs-0006vK-1i" {
		t.Errorf("layout % x", b)
	}
	back, err := DecodeWait(b)
	if err != nil || back.Sequence != 2 || len(back.IDs) != 2 || back.IDs[1] != "1xXtXs-0006vM-1k" || !back.Stamp.Equal(w.Stamp) {
		t.Errorf("round trip %+v %v", back, err)
	}
}
