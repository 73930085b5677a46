package spool

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// entry is a queued message as a directory scan finds it: its -H file
// name and the subdirectory ("" for input/ itself).
type entry struct {
	name string // "<id>-H"
	sub  string
}

func (e entry) id() string { return e.name[:IDLength] }

// List returns the ids of the queued messages (those with a -H file) in
// the order of Exim's -bp: by time, then by the fraction field.
func (sp *Spool) List() ([]string, error) {
	es, err := sp.scan(false, time.Time{})
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.id()
	}
	return ids, err
}

// scan lists input/ and its one-character subdirectories as Exim's
// queue_get_spool_list does, in directory order, then sorted, or in
// Exim's cheap "random" order seeded by the time.
func (sp *Spool) scan(randomize bool, now time.Time) ([]entry, error) {
	base := filepath.Join(sp.Dir, "input")
	names, err := readDirNames(base)
	if err != nil {
		return nil, err
	}
	var col collector
	if randomize {
		col.reset = uint(now.Unix()) & 0xFFFF
	}
	var subs []string
	for _, n := range names {
		if len(n) == 1 && isAlnum(n[0]) {
			subs = append(subs, n)
			continue
		}
		col.add(n, "", randomize)
	}
	for _, sub := range subs {
		names, err := readDirNames(filepath.Join(base, sub))
		if err != nil {
			continue
		}
		for _, n := range names {
			col.add(n, sub, randomize)
		}
		if len(names) == 0 && !sp.Split {
			// Exim tidies empty subdirectories once split is turned off.
			os.Remove(filepath.Join(base, sub))
			os.Remove(filepath.Join(sp.Dir, "msglog", sub))
		}
	}
	return col.result(randomize), nil
}

// readDirNames lists a directory in the order the file system gives.
func readDirNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

func isAlnum(c byte) bool { return digitValue(c) >= 0 }

func isHeaderName(n string) bool {
	return len(n) == IDLength+2 && strings.HasSuffix(n, "-H")
}

// collector builds the list as Exim does: a bottom-up merge sort over the
// names in directory order, or the random order of putting each name at
// the front or the back by the next bit of the time.
type collector struct {
	roots []([]entry) // roots[j] holds 2^j entries (merge sort)
	front []entry     // random order: reversed front part
	back  []entry
	reset uint
	flags uint
}

func (c *collector) add(name, sub string, randomize bool) {
	if !isHeaderName(name) {
		return
	}
	e := entry{name, sub}
	if randomize {
		c.addRandom(e)
		return
	}
	next := []entry{e}
	for j := 0; ; j++ {
		if j == len(c.roots) {
			c.roots = append(c.roots, next)
			return
		}
		if c.roots[j] == nil {
			c.roots[j] = next
			return
		}
		next = mergeEntries(next, c.roots[j])
		c.roots[j] = nil
	}
}

func (c *collector) addRandom(e entry) {
	if len(c.front)+len(c.back) == 0 {
		c.back = append(c.back, e)
		return
	}
	if c.flags == 0 {
		c.flags = c.reset
	}
	if c.flags&1 == 0 {
		c.front = append(c.front, e)
	} else {
		c.back = append(c.back, e)
	}
	c.flags >>= 1
}

func (c *collector) result(randomize bool) []entry {
	if randomize {
		out := make([]entry, 0, len(c.front)+len(c.back))
		for i := len(c.front) - 1; i >= 0; i-- {
			out = append(out, c.front[i])
		}
		return append(out, c.back...)
	}
	var out []entry
	for _, r := range c.roots {
		out = mergeEntries(out, r)
	}
	return out
}

// mergeEntries merges two sorted lists; on equal keys b's entry comes
// first, as in Exim's merge_queue_lists.
func mergeEntries(a, b []entry) []entry {
	out := make([]entry, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if compareNames(a[0].name, b[0].name) < 0 {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

// compareNames orders by the time field, then by what follows the pid
// field (the fraction): Exim ignores the pid when sorting.
func compareNames(a, b string) int {
	if c := strings.Compare(a[:6], b[:6]); c != 0 {
		return c
	}
	return strings.Compare(a[14:], b[14:])
}
