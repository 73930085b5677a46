package retry

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"exigo/internal/hints"
	"exigo/internal/ratelimit"
	"exigo/internal/syserr"
)

// DumpOptions are exim_dumpdb's flags.
type DumpOptions struct {
	UTC      bool      // -z: times in UTC rather than local time
	KeysOnly bool      // -k: keys only
	Err      io.Writer // where corrupt records are reported (Exim's stderr)
}

// ErrUsage is returned for an unknown database name; the usage text has
// been written. ErrCorrupt: some record was reported as corrupt.
var (
	ErrUsage   = errors.New("bad database name")
	ErrCorrupt = errors.New("corrupt records in database")
)

const usageNames = "  <database-name> = retry | misc | wait-<transport-name> | callout | ratelimit | tls | seen\n"

// knownDB reports whether exim_dumpdb and exim_tidydb accept name.
func knownDB(name string) bool {
	switch name {
	case "retry", "misc", "callout", "ratelimit", "tls", "seen":
		return true
	}
	return strings.HasPrefix(name, "wait-")
}

// Dump prints a hints database as exim_dumpdb does (local times).
func Dump(w io.Writer, spoolDir, dbname string) error {
	return DumpWith(w, spoolDir, dbname, DumpOptions{})
}

// DumpWith is Dump with exim_dumpdb's options.
func DumpWith(w io.Writer, spoolDir, dbname string, opt DumpOptions) error {
	if !knownDB(dbname) {
		fmt.Fprintf(w, "Usage: exim_dumpdb [-z] [-k]  <spool-directory> <database-name>\n%s", usageNames)
		return ErrUsage
	}
	db, err := openExisting(w, spoolDir, dbname)
	if err != nil {
		return err
	}
	defer db.Close()
	d := dumper{w: w, err: opt.Err, loc: time.Local, kind: dbname}
	if opt.UTC {
		d.loc = time.UTC
	}
	if d.err == nil {
		d.err = io.Discard
	}
	serr := db.Scan(func(key string, r hints.Record) bool {
		if opt.KeysOnly {
			fmt.Fprintf(w, "  %s\n", key)
		} else {
			d.record(key, r)
		}
		return true
	})
	if serr != nil {
		return serr
	}
	if d.corrupt {
		return ErrCorrupt
	}
	return nil
}

// openExisting opens a database that must exist, reporting a missing one
// as exim_dumpdb does (its lock file is what it fails to open).
func openExisting(w io.Writer, spoolDir, dbname string) (*hints.DB, error) {
	if _, err := os.Stat(filepath.Join(spoolDir, "db", dbname)); err != nil {
		fmt.Fprintf(w, "** Failed to open database lock file %s/db/%s.lockfile: %s\n",
			spoolDir, dbname, syserr.Number(int(errnoOf(err))))
		return nil, err
	}
	return hints.Open(spoolDir, dbname)
}

type dumper struct {
	w, err  io.Writer
	loc     *time.Location
	kind    string
	corrupt bool
}

// printTime is exim_dumpdb's print_time: "%d-%b-%Y %H:%M:%S".
func (d *dumper) printTime(t time.Time) string {
	return t.In(d.loc).Format("02-Jan-2006 15:04:05")
}

func (d *dumper) record(key string, r hints.Record) {
	stamp := StampOf(r.Data, r.Stamp)
	switch {
	case d.kind == "retry":
		d.retry(key, r.Data)
	case strings.HasPrefix(d.kind, "wait-"):
		d.wait(key, r.Data)
	case d.kind == "misc":
		fmt.Fprintf(d.w, "%s %s\n", d.printTime(stamp), key)
	case d.kind == "callout":
		d.callout(key, r.Data, stamp)
	case d.kind == "ratelimit":
		fmt.Fprintln(d.w, ratelimit.DumpLine(key, r.Data, d.loc))
	case d.kind == "tls":
		d.tls(key, r.Data)
	case d.kind == "seen":
		fmt.Fprintf(d.w, "%s\t%s\n", key, d.printTime(stamp))
	}
}

func (d *dumper) retry(key string, data []byte) {
	rec, err := Decode(data)
	if err != nil {
		rec = &Record{}
	}
	expired := ""
	if rec.Expired {
		expired = "*"
	}
	fmt.Fprintf(d.w, "  %s %d %d %s\n%s  %s  %s %s\n", key, rec.BasicErrno, rec.MoreErrno, rec.Text,
		d.printTime(rec.FirstFailed), d.printTime(rec.LastTry), d.printTime(rec.NextTry), expired)
}

func (d *dumper) wait(key string, data []byte) {
	r, err := decodeRawWait(data)
	if err != nil {
		return
	}
	fmt.Fprintf(d.w, "%s ", key)
	countBad := false
	if r.count > WaitNameMax {
		fmt.Fprintf(d.err, "**** Data for %s corrupted\n  count=%d=0x%x max=%d\n", key, r.count, r.count, WaitNameMax)
		r.count, countBad, d.corrupt = WaitNameMax, true, true
	}
	for i := 0; i < r.count; i++ {
		id := cString(sub(r.text, i*IDLength, IDLength))
		if countBad && id == "" {
			break
		}
		if !validIDChars(id) {
			fmt.Fprintf(d.err, "**** Data for %s corrupted: bad character in message id\n", key)
			for _, c := range padded(sub(r.text, i*IDLength, IDLength)) {
				fmt.Fprintf(d.err, "%02x ", c)
			}
			fmt.Fprintf(d.err, "\n")
			d.corrupt = true
			break
		}
		fmt.Fprintf(d.w, "%s ", id)
	}
	fmt.Fprintf(d.w, "\n")
}

// Callout cache records: an address record is dbdata_callout_cache_address
// (16 bytes), a domain record dbdata_callout_cache (40 bytes).
func (d *dumper) callout(key string, data []byte, stamp time.Time) {
	cache := func(off int) string { return printCache(int32(le.Uint32(data[off:]))) }
	switch len(data) {
	case 16:
		fmt.Fprintf(d.w, "%s %s callout=%s\n", d.printTime(stamp), key, cache(8))
	case 40:
		fmt.Fprintf(d.w, "%s %s callout=%s postmaster=%s", d.printTime(stamp), key, cache(8), cache(12))
		if le.Uint32(data[12:]) != 0 {
			fmt.Fprintf(d.w, " (%s)", d.printTime(unix(data[24:])))
		}
		fmt.Fprintf(d.w, " random=%s", cache(16))
		if le.Uint32(data[16:]) != 0 {
			fmt.Fprintf(d.w, " (%s)", d.printTime(unix(data[32:])))
		}
		fmt.Fprintf(d.w, "\n")
	}
}

func printCache(v int32) string {
	switch v {
	case 1:
		return "accept"
	case 2:
		return "reject"
	}
	return "unknown"
}

// tls records: the time stamp, a flags byte, then the session (printed
// up to its first NUL).
func (d *dumper) tls(key string, data []byte) {
	fmt.Fprintf(d.w, "  %s %s\n", key, cString(sub(data, 9, len(data))))
}

func sub(b []byte, off, n int) []byte {
	if off >= len(b) {
		return nil
	}
	return b[off:min(len(b), off+n)]
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func padded(b []byte) []byte {
	out := make([]byte, IDLength)
	copy(out, b)
	return out
}

// validIDChars: sixteen characters of a message id's alphabet.
func validIDChars(id string) bool {
	if len(id) != IDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !isAlnum(id[i]) && id[i] != '-' {
			return false
		}
	}
	return true
}
