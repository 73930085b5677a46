package spool

import (
	"bytes"
	"fmt"
	"os"
	"testing"
)

// BenchmarkCommit spools 4 KiB messages from 1 (lone) and 4 and 16
// concurrent writers per CPU (SMTP sessions), each durable when Commit
// returns; it reports messages per second.
func BenchmarkCommit(b *testing.B) {
	for _, par := range []int{1, 4, 16} {
		for _, split := range []bool{false, true} {
			name := fmt.Sprintf("unsplit-par%d", par)
			if split {
				name = fmt.Sprintf("split-par%d", par)
			}
			b.Run(name, func(b *testing.B) { benchCommit(b, split, par) })
		}
	}
}

func benchCommit(b *testing.B, split bool, par int) {
	sp, err := Open(b.TempDir(), split)
	if err != nil {
		b.Fatal(err)
	}
	defer sp.Close()
	gen := NewIDGen(os.Getpid(), -1)
	body := bytes.Repeat([]byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n"), 64)
	b.SetBytes(int64(len(body)))
	commit := func() bool {
		id, at := gen.Next()
		in, err := sp.Begin(id)
		if err != nil {
			b.Error(err)
			return false
		}
		in.Body().Write(body)
		h := testHeader(id, at, len(body))
		h.BodyLinecount, _ = in.Counts()
		if err := in.Commit(h); err != nil {
			b.Error(err)
			return false
		}
		return true
	}
	b.ResetTimer()
	if par == 1 {
		for i := 0; i < b.N && commit(); i++ {
		}
	} else {
		b.SetParallelism(par)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() && commit() {
			}
		})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
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
