package hints

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// busyTimeout is how long a writer waits for another process's write
// transaction: Exim's own hints lock times out after 60 seconds.
const busyTimeout = 60 * time.Second

// dsn names the file as an SQLite URI. Every transaction begins
// IMMEDIATE, taking the write lock at once: a deferred transaction that
// read first could not upgrade once another process had written, and
// would fail instead of waiting. WAL mode is set once, by setup: it is
// stored in the file.
func dsn(path string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + esc.Replace(path) +
		"?_busy_timeout=" + strconv.FormatInt(busyTimeout.Milliseconds(), 10) +
		"&_synchronous=FULL&_txlock=immediate"
}

const schema = `CREATE TABLE IF NOT EXISTS hints (
	key   TEXT PRIMARY KEY,
	stamp INTEGER NOT NULL,
	data  BLOB NOT NULL
) WITHOUT ROWID`

// setup switches the file to WAL and creates the table. Switching needs
// the file to itself, and SQLite reports "busy" at once rather than wait
// when processes open a new file together, so this retries.
func setup(db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for delay := time.Millisecond; ; delay = min(2*delay, 50*time.Millisecond) {
		err := setupOnce(db)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(delay)
	}
}

func setupOnce(db *sql.DB) error {
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return errors.New("cannot use WAL journal mode (journal_mode is " + mode + ")")
	}
	_, err := db.Exec(schema)
	return err
}

func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
}
