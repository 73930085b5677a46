package main

import (
	"syscall"
	"time"
)

// result is the load run's summary. JSON names shared with the bench
// harness's loadgen mean the same thing there.
type result struct {
	Addr          string  `json:"addr"`
	Concurrency   int     `json:"concurrency"`
	Messages      int     `json:"messages"`
	PerConn       int     `json:"per_conn"`
	SizeBytes     int     `json:"size_bytes"`
	Recipients    int     `json:"recipients"`
	Pipelining    bool    `json:"pipelining"`
	Sent          int64   `json:"sent"`
	Accepted      int64   `json:"accepted"`
	Rejected      int64   `json:"rejected"`
	Rejected4xx   int64   `json:"rejected_4xx"`
	Rejected5xx   int64   `json:"rejected_5xx"`
	RejectedOther int64   `json:"rejected_other"`
	Errors        int64   `json:"errors"`
	Connections   int64   `json:"connections"`
	ElapsedS      float64 `json:"elapsed_s"`
	MsgsPerS      float64 `json:"msgs_per_s"`
	LatP50Ms      float64 `json:"lat_p50_ms"`
	LatP90Ms      float64 `json:"lat_p90_ms"`
	LatP99Ms      float64 `json:"lat_p99_ms"`
	LatMaxMs      float64 `json:"lat_max_ms"`
	ConnectP50Ms  float64 `json:"connect_p50_ms"`
	FirstError    string  `json:"first_error,omitempty"`
	LoadgenCPUS   float64 `json:"loadgen_cpu_s"`
}

func summarise(c config, tallies []tally, sh *shared, elapsed time.Duration) result {
	r := result{
		Addr: c.addr, Concurrency: c.conc, Messages: c.total, PerConn: c.perConn,
		SizeBytes: c.size, Recipients: len(c.rcpts),
		Errors: sh.errors.Load(), FirstError: sh.firstErr,
		ElapsedS: roundTo(elapsed.Seconds(), 4),
	}
	var eod, setup []time.Duration
	for _, t := range tallies {
		r.Sent += t.sent
		r.Accepted += t.accepted
		r.Rejected4xx += t.rejectedByClass[4]
		r.Rejected5xx += t.rejectedByClass[5]
		r.RejectedOther += t.rejectedByClass[1] + t.rejectedByClass[2] + t.rejectedByClass[3]
		r.Connections += t.connections
		r.Pipelining = r.Pipelining || t.pipelined
		eod = append(eod, t.endOfData...)
		setup = append(setup, t.setup...)
	}
	r.Rejected = r.Rejected4xx + r.Rejected5xx + r.RejectedOther
	r.MsgsPerS = rate(r.Accepted, elapsed)
	l := summariseLatencies(eod)
	r.LatP50Ms, r.LatP90Ms, r.LatP99Ms, r.LatMaxMs = l.P50, l.P90, l.P99, l.Max
	r.ConnectP50Ms = summariseLatencies(setup).P50
	r.LoadgenCPUS = ownCPUSeconds()
	return r
}

// ownCPUSeconds is this process's user+system time, which the harness
// subtracts from machine-wide CPU to get the server's share.
func ownCPUSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return roundTo(float64(ru.Utime.Nano()+ru.Stime.Nano())/1e9, 3)
}
