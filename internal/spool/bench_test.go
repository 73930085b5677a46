package spool

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkCommit spools 4 KiB messages from 16 concurrent writers per
// CPU (SMTP sessions), each durable when Commit returns; it reports
// messages per second.
func BenchmarkCommit(b *testing.B) {
	for _, split := range []bool{false, true} {
		name := "unsplit"
		if split {
			name = "split"
		}
		b.Run(name, func(b *testing.B) {
			sp, err := Open(b.TempDir(), split)
			if err != nil {
				b.Fatal(err)
			}
			defer sp.Close()
			gen := NewIDGen(os.Getpid(), -1)
			body := bytes.Repeat([]byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n"), 64)
			b.SetBytes(int64(len(body)))
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id, at := gen.Next()
					in, err := sp.Begin(id)
					if err != nil {
						b.Error(err)
						return
					}
					in.Body().Write(body)
					h := testHeader(id, at, len(body))
					h.BodyLinecount, _ = in.Counts()
					if err := in.Commit(h); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkEncode measures writing a typical -H file in memory.
func BenchmarkEncode(b *testing.B) {
	h := fullHeader()
	for i := 0; i < b.N; i++ {
		h.Encode()
	}
}

// BenchmarkParse measures reading one.
func BenchmarkParse(b *testing.B) {
	h := fullHeader()
	data := h.Encode()
	for i := 0; i < b.N; i++ {
		if _, err := ParseHeader(data, h.ID+"-H"); err != nil {
			b.Fatal(err)
		}
	}
}
