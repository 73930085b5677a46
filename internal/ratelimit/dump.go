package ratelimit

import (
	"fmt"
	"strings"
	"time"
)

// DumpLine is the line exim_dumpdb prints for a ratelimit record, times
// in loc (exim_dumpdb uses local time):
//
//	30-Nov-2026 04:19:39.596352 rate:      3.000 key: 1h/per_rcpt/x/y
//
// Records under a key containing "/unique/" that are big enough to hold
// a Bloom filter also show its start and size.
func DumpLine(key string, data []byte, loc *time.Location) string {
	b := block(data)
	if len(b) < basicSize {
		b = append(block(nil), data...)
		b = append(b, make(block, basicSize-len(b))...)
	}
	head := fmt.Sprintf("%s.%06d rate: %10s", dumpTime(b.stamp(), loc), b.usec(), formatF(b.rate(), 3))
	if strings.Contains(key, "/unique/") && len(b) >= uniqueSize {
		return fmt.Sprintf("%s epoch: %s size: %d key: %s", head, dumpTime(b.epoch(), loc), uint32(b.bloomSize()), key)
	}
	return head + " key: " + key
}

// dumpTime is exim_dumpdb's print_time: "%d-%b-%Y %H:%M:%S".
func dumpTime(sec int64, loc *time.Location) string {
	return time.Unix(sec, 0).In(loc).Format("02-Jan-2006 15:04:05")
}
