package retry

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"exigo/internal/hints"
)

// TidyOptions are exim_tidydb's settings.
type TidyOptions struct {
	Now time.Time
	// MaxKeep is -t: records not written for longer are deleted
	// (default 30 days).
	MaxKeep time.Duration
}

// Tidy removes old records from a hints database as exim_tidydb does.
func Tidy(spoolDir, dbname string, now time.Time) error {
	return TidyWith(io.Discard, spoolDir, dbname, TidyOptions{Now: now})
}

// TidyWith is Tidy writing exim_tidydb's report to w.
func TidyWith(w io.Writer, spoolDir, dbname string, opt TidyOptions) error {
	if !knownDB(dbname) {
		fmt.Fprintf(w, "Usage: exim_tidydb [-t <time>]  <spool-directory> <database-name>\n%s", usageNames)
		return ErrUsage
	}
	if opt.MaxKeep == 0 {
		opt.MaxKeep = 30 * 24 * time.Hour
	}
	fmt.Fprintf(w, "Tidying Exim hints database %s/db/%s\n", spoolDir, dbname)
	db, err := openExisting(w, spoolDir, dbname)
	if err != nil {
		return err
	}
	defer db.Close()
	t := tidier{w: w, db: db, now: opt.Now, input: filepath.Join(spoolDir, "input"), kind: dbname}
	oldest := opt.Now.Add(-opt.MaxKeep).Unix()
	var keys []string
	if err := db.Scan(func(k string, _ hints.Record) bool { keys = append(keys, k); return true }); err != nil {
		return err
	}
	// Exim chains the keys as it scans, so it works on them last first.
	for i := len(keys) - 1; i >= 0; i-- {
		if err := t.one(keys[i], oldest); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "Tidying complete\n")
	return nil
}

type tidier struct {
	w     io.Writer
	db    *hints.DB
	now   time.Time
	input string
	kind  string
}

func (t *tidier) one(key string, oldest int64) error {
	r, ok, err := t.db.Get(key)
	if err != nil || !ok {
		return err // gone already: a continuation record renamed, say
	}
	if StampOf(r.Data, r.Stamp).Unix() < oldest {
		fmt.Fprintf(t.w, "deleted %s (too old)\n", key)
		return t.db.Delete(key)
	}
	switch {
	case strings.HasPrefix(t.kind, "wait-"):
		return t.wait(key, r.Data)
	case t.kind == "retry":
		return t.retry(key)
	}
	return nil
}

// retry deletes message-specific records of messages no longer on the
// spool: keys ending in ":" and a message id.
func (t *tidier) retry(key string) error {
	if len(key) < IDLength+1 || key[len(key)-IDLength-1] != ':' {
		return nil
	}
	id := key[len(key)-IDLength:]
	if !isMessageID(id) || t.onSpool(id) {
		return nil
	}
	fmt.Fprintf(t.w, "deleted %s (no message)\n", key)
	return t.db.Delete(key)
}

func isMessageID(id string) bool {
	for i := 0; i < len(id); i++ {
		if i == 6 || i == 13 {
			if id[i] != '-' {
				return false
			}
		} else if !isAlnum(id[i]) {
			return false
		}
	}
	return true
}

// onSpool looks for the message's -D file, in input/ or its split
// subdirectory.
func (t *tidier) onSpool(id string) bool {
	if _, err := os.Stat(filepath.Join(t.input, id+"-D")); err == nil {
		return true
	}
	_, err := os.Stat(filepath.Join(t.input, id[5:6], id+"-D"))
	return err == nil
}

// wait drops the ids of messages no longer on the spool, renaming
// continuation records into an emptied main record.
func (t *tidier) wait(key string, data []byte) error {
	r, err := decodeRawWait(data)
	if err != nil {
		return nil
	}
	if bad := t.waitCorrupt(key, r); bad {
		return nil
	}
	if r.stamp.Before(t.now.Add(-365 * 24 * time.Hour)) {
		fmt.Fprintf(t.w, "deleted %s (too old)\n", key)
		return t.db.Delete(key)
	}
	cur, update := r, false
	for {
		live := t.liveIDs(cur)
		update = update || len(live) != len(cur.ids())
		cur = rawWait{count: len(live), sequence: cur.sequence, text: []byte(strings.Join(live, ""))}
		if cur.count != 0 || strings.Contains(key, ":") {
			break
		}
		if cur, err = t.renameContinuation(key, cur); err != nil {
			return err
		}
		update = update || cur.count != 0
		if cur.count == 0 && cur.sequence == 0 {
			fmt.Fprintf(t.w, "deleted %s (empty)\n", key)
			return t.db.Delete(key)
		}
	}
	if !update {
		return nil
	}
	fmt.Fprintf(t.w, "updated %s\n", key)
	rec := WaitRecord{Stamp: t.now, Sequence: cur.sequence, IDs: cur.ids()}
	return t.db.Put(key, rec.Encode())
}

// renameContinuation moves the last continuation record ("key:N") that
// exists into the emptied main record.
func (t *tidier) renameContinuation(key string, cur rawWait) (rawWait, error) {
	for cur.count == 0 && cur.sequence > 0 {
		next := fmt.Sprintf("%s:%d", key, cur.sequence-1)
		nr, ok, err := t.db.Get(next)
		if err != nil {
			return cur, err
		}
		cont, derr := decodeRawWait(nr.Data)
		if !ok || derr != nil {
			cur.sequence--
			continue
		}
		if err := t.db.Delete(next); err != nil {
			return cur, err
		}
		fmt.Fprintf(t.w, "renamed %s\n", next)
		cur = cont
	}
	return cur, nil
}

func (t *tidier) waitCorrupt(key string, r rawWait) bool {
	switch {
	case r.stamp.After(t.now):
		fmt.Fprintf(t.w, "**** Data for '%s' corrupted\n  time in future: %s\n", key,
			r.stamp.In(time.Local).Format("02-Jan-2006 15:04:05"))
	case r.count > WaitNameMax:
		fmt.Fprintf(t.w, "**** Data for '%s' corrupted\n  count=%d=0x%x max=%d\n", key, r.count, r.count, WaitNameMax)
	case r.sequence > WaitContMax:
		fmt.Fprintf(t.w, "**** Data for '%s' corrupted\n  sequence=%d=0x%x max=%d\n", key, r.sequence, r.sequence, WaitContMax)
	default:
		return false
	}
	return true
}

func (r rawWait) ids() []string {
	var out []string
	for i := 0; i < r.count && (i+1)*IDLength <= len(r.text); i++ {
		out = append(out, string(r.text[i*IDLength:(i+1)*IDLength]))
	}
	return out
}

// liveIDs keeps the ids whose messages are still on the spool.
func (t *tidier) liveIDs(r rawWait) []string {
	var out []string
	for _, id := range r.ids() {
		if t.onSpool(id) {
			out = append(out, id)
		}
	}
	return out
}
