package main

import (
	"math"
	"slices"
	"time"
)

// latencies are the percentiles of one set of durations, in milliseconds.
type latencies struct {
	P50, P90, P99, Max float64
}

// summariseLatencies sorts d in place and picks the percentiles with the
// rank rule of the bench harness's loadgen (index round(n*p)-1, clamped),
// so the two tools report the same figure for the same samples.
func summariseLatencies(d []time.Duration) latencies {
	if len(d) == 0 {
		return latencies{}
	}
	slices.Sort(d)
	return latencies{
		P50: millis(percentile(d, 0.50)),
		P90: millis(percentile(d, 0.90)),
		P99: millis(percentile(d, 0.99)),
		Max: millis(d[len(d)-1]),
	}
}

// percentile expects sorted, non-empty d.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// millis converts to milliseconds with microsecond precision.
func millis(d time.Duration) float64 {
	return roundTo(float64(d)/float64(time.Millisecond), 3)
}

func roundTo(f float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(f*p) / p
}

// rate is events per second, 0 for an empty interval.
func rate(n int64, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return roundTo(float64(n)/elapsed.Seconds(), 2)
}
