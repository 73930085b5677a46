package hints

import (
	"database/sql"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// busyTimeoutMS is how long a writer waits for another process's write
// transaction: Exim's own hints lock times out after 60 seconds.
const busyTimeoutMS = "60000"

// dsn names the file as an SQLite URI. Every transaction begins
// IMMEDIATE, taking the write lock at once: a deferred transaction that
// read first could not upgrade once another process had written, and
// would fail instead of waiting.
func dsn(path string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + esc.Replace(path) +
		"?_busy_timeout=" + busyTimeoutMS +
		"&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate"
}

const schema = `CREATE TABLE IF NOT EXISTS hints (
	key   TEXT PRIMARY KEY,
	stamp INTEGER NOT NULL,
	data  BLOB NOT NULL
) WITHOUT ROWID`

func createSchema(db *sql.DB) error {
	_, err := db.Exec(schema)
	return err
}
