package eximlog

import (
	"strconv"
	"time"
)

// appendTimestamp writes Exim's log line time, "2026-11-30 04:17:08",
// with ".123" for +millisec and " +0100" for log_timezone.
func appendTimestamp(b []byte, t time.Time, millisec, zone bool) []byte {
	year, month, day := t.Date()
	hour, min, sec := t.Clock()
	b = appendInt(b, year, 4)
	b = append(b, '-')
	b = appendInt(b, int(month), 2)
	b = append(b, '-')
	b = appendInt(b, day, 2)
	b = append(b, ' ')
	b = appendInt(b, hour, 2)
	b = append(b, ':')
	b = appendInt(b, min, 2)
	b = append(b, ':')
	b = appendInt(b, sec, 2)
	if millisec {
		b = append(b, '.')
		b = appendInt(b, t.Nanosecond()/1e6, 3)
	}
	if zone {
		b = append(b, ' ')
		b = appendZone(b, t)
	}
	return b
}

// appendZone writes the offset from UTC as Exim's "%+03d%02d" of hours
// and minutes does (C division: -00:30 comes out as "+0030").
func appendZone(b []byte, t time.Time) []byte {
	_, offset := t.Zone()
	mins := offset / 60
	hours := mins / 60
	mins -= hours * 60
	if mins < 0 {
		mins = -mins
	}
	if hours < 0 {
		b = append(b, '-')
		hours = -hours
	} else {
		b = append(b, '+')
	}
	b = appendInt(b, hours, 2)
	return appendInt(b, mins, 2)
}

// datestamp is the %D (yyyymmdd) or %M (yyyymm) part of a log file name.
func datestamp(t time.Time, kind byte) string {
	year, month, day := t.Date()
	b := make([]byte, 0, 8)
	b = appendInt(b, year, 4)
	b = appendInt(b, int(month), 2)
	if kind == 'D' {
		b = appendInt(b, day, 2)
	}
	return string(b)
}

// appendInt writes v zero-padded to width digits.
func appendInt(b []byte, v, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// Stamp is the time as the logger writes it at the start of a line
// (message logs use the same).
func (l *Logger) Stamp(t time.Time) string {
	return string(appendTimestamp(nil, t, l.sel.Has(Millisec), l.zone))
}
