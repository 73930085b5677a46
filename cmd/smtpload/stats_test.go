package main

import (
	"testing"
	"time"
)

func TestSummariseLatencies(t *testing.T) {
	ms := time.Millisecond
	// 1..100 ms shuffled: rank round(n*p)-1 gives 50, 90, 99.
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*ms)
	}
	if got := summariseLatencies(d); got != (latencies{P50: 50, P90: 90, P99: 99, Max: 100}) {
		t.Errorf("1..100: %+v", got)
	}
	// Same rule as loadgen on a small sample: n=16, p=0.9 → round(14.4)-1 = 13.
	d = d[:0]
	for i := 1; i <= 16; i++ {
		d = append(d, time.Duration(i)*ms)
	}
	if got := summariseLatencies(d); got.P90 != 14 || got.P50 != 8 || got.P99 != 16 {
		t.Errorf("1..16: %+v", got)
	}
	if got := summariseLatencies([]time.Duration{1500 * time.Microsecond}); got != (latencies{1.5, 1.5, 1.5, 1.5}) {
		t.Errorf("single: %+v", got)
	}
	if got := summariseLatencies(nil); got != (latencies{}) {
		t.Errorf("empty: %+v", got)
	}
	if got := millis(1234567 * time.Nanosecond); got != 1.235 {
		t.Errorf("millis rounding: %v", got)
	}
}

func TestRate(t *testing.T) {
	if got := rate(300, 2*time.Second); got != 150 {
		t.Errorf("rate %v", got)
	}
	if got := rate(5, 0); got != 0 {
		t.Errorf("rate over zero time %v", got)
	}
}
