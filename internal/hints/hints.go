// Package hints stores Exim's hints databases (manual: "hints database":
// retry, wait-<transport>, misc, ratelimit, tls, seen ...) as one SQLite
// file per database under <spool_directory>/db/. WAL journaling lets the
// daemon, queue runners and the -bp / dump / tidy commands read and write
// at the same time from several processes; Update is an atomic
// read-modify-write across goroutines and processes.
package hints

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Record is one stored value. Stamp is when it was last written, as in
// the time_stamp Exim's dbfn_write puts at the front of every record.
type Record struct {
	Stamp time.Time
	Data  []byte
}

// DB is one caller's handle on a hints database. Handles opened on the
// same file in one process share a single SQLite connection pool.
type DB struct {
	s    *shared
	once sync.Once
}

// shared is the per-file state behind the handles of a process.
type shared struct {
	path  string
	sql   *sql.DB
	write sync.Mutex // one writer per process at a time, so goroutines queue here instead of spinning on SQLite's busy handler
	refs  int        // guarded by registry.mu
}

var registry = struct {
	mu    sync.Mutex
	files map[string]*shared
}{files: map[string]*shared{}}

// Open opens (creating db/ and the file on first use) the hints database
// name in spoolDir.
func Open(spoolDir, name string) (*DB, error) {
	if name == "" || strings.ContainsRune(name, '/') {
		return nil, fmt.Errorf("hints: bad database name %q", name)
	}
	path, err := filepath.Abs(filepath.Join(spoolDir, "db", name))
	if err != nil {
		return nil, err
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	s := registry.files[path]
	if s == nil {
		if s, err = openShared(path); err != nil {
			return nil, err
		}
		registry.files[path] = s
	}
	s.refs++
	return &DB{s: s}, nil
}

// Path is the file the database lives in.
func (d *DB) Path() string { return d.s.path }

// Close releases this handle; the file is closed with its last handle.
// Closing a handle twice is harmless.
func (d *DB) Close() error {
	var err error
	d.once.Do(func() {
		registry.mu.Lock()
		defer registry.mu.Unlock()
		d.s.refs--
		if d.s.refs == 0 {
			delete(registry.files, d.s.path)
			err = d.s.sql.Close()
		}
	})
	return err
}

func openShared(path string) (*shared, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("hints: %w", err)
	}
	// Create the file ourselves so it gets Exim's 0640 mode; SQLite gives
	// its -wal and -shm files the same mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("hints: %w", err)
	}
	f.Close()
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("hints: %s: %w", path, err)
	}
	if err := setup(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("hints: %s: %w", path, err)
	}
	return &shared{path: path, sql: db}, nil
}
