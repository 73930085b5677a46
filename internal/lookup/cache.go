package lookup

import (
	"container/list"
	"strings"
	"sync"
	"time"
)

// OpenMax bounds the number of file handles kept open at once (Exim's
// lookup_open_max); the least recently used one is closed beyond it.
var OpenMax = 25

// openEntry is one cached handle with the results already looked up in it.
// A closed entry (handle nil) keeps its results, as in Exim.
type openEntry struct {
	name    string // cache key: driver name, NUL, file
	driver  Driver
	file    string
	handle  Handle
	results map[string]cachedResult
	lru     *list.Element // position in openLRU while open (file types only)
}

type cachedResult struct {
	value   string
	found   bool
	dnssec  string
	reset   bool
	expires time.Time // zero: until Tidy
}

// The process-wide cache. Handles must stay usable after Close (a
// goroutine may still be reading one when another calls Tidy): ours are
// immutable snapshots or stateless, so closing only drops references.
var (
	cacheMu  sync.Mutex
	openTree = map[string]*openEntry{}
	openLRU  = list.New()
)

// Tidy closes the cached handles and drops the cached results; it is
// called at the end of a message (and after routing), as Exim's
// search_tidyup is.
func Tidy() {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	for _, e := range openTree {
		if e.handle != nil {
			e.handle.Close()
		}
	}
	openTree = map[string]*openEntry{}
	openLRU.Init()
}

// usesFile tells whether a driver's handles count against OpenMax.
func usesFile(d Driver) bool { return d.Kind() != Query }

// openHandle returns the cached entry for driver+file, opening it if it is
// not open. Called with cacheMu held.
func openHandle(d Driver, file string, opts []string) (*openEntry, error) {
	key := d.Name() + "\x00" + file
	e := openTree[key]
	if e != nil && e.handle != nil {
		touch(e)
		return e, nil
	}
	if usesFile(d) && openLRU.Len() >= OpenMax {
		closeLeastRecent()
	}
	h, err := openDriver(d, file, opts)
	if err != nil {
		return nil, err
	}
	if e == nil {
		e = &openEntry{name: key, driver: d, file: file, results: map[string]cachedResult{}}
		openTree[key] = e
	}
	e.handle = h
	touch(e)
	return e, nil
}

func openDriver(d Driver, file string, opts []string) (Handle, error) {
	if sk, ok := d.(SingleKeyDriver); ok {
		return sk.Open(file, opts)
	}
	return nopHandle{}, nil
}

// nopHandle stands for a query-style driver, which has nothing to open.
type nopHandle struct{}

func (nopHandle) Find(string, []string) (string, bool, error) { return "", false, nil }
func (nopHandle) Close() error                                { return nil }

// touch moves a file entry to the front of the LRU list.
func touch(e *openEntry) {
	if !usesFile(e.driver) {
		return
	}
	if e.lru == nil {
		e.lru = openLRU.PushFront(e)
		return
	}
	openLRU.MoveToFront(e.lru)
}

func closeLeastRecent() {
	back := openLRU.Back()
	if back == nil {
		return
	}
	e := back.Value.(*openEntry)
	openLRU.Remove(back)
	e.lru = nil
	e.handle.Close()
	e.handle = nil
}

// resultKey is the per-handle cache key: the key and the driver options.
func resultKey(key string, opts []string) string {
	if len(opts) == 0 {
		return key
	}
	return key + "\x00" + strings.Join(opts, ",")
}

// CachedHandles reports how many handles are open (for tests and -d output).
func CachedHandles() int {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	n := 0
	for _, e := range openTree {
		if e.handle != nil {
			n++
		}
	}
	return n
}
