package waitdb

import (
	"sync"

	"exigo/internal/hints"
)

// Store opens the wait-<transport> databases of one spool and keeps
// them open for the life of the process (a delivery touches them after
// every deferral and every good delivery).
type Store struct {
	Dir string // the spool directory
	// OnSpool reports whether a message is still queued (its -D file).
	OnSpool func(id string) bool
	// Sender returns a queued message's sender (from its -H file), for
	// the check that a waiting message has the same local identity.
	Sender func(id string) (string, bool)

	mu  sync.Mutex
	dbs map[string]*hints.DB
}

// DB opens (once) the database of transport.
func (s *Store) DB(transport string) (*hints.DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if db := s.dbs[transport]; db != nil {
		return db, nil
	}
	db, err := hints.Open(s.Dir, Name(transport))
	if err != nil {
		return nil, err
	}
	if s.dbs == nil {
		s.dbs = map[string]*hints.DB{}
	}
	s.dbs[transport] = db
	return db, nil
}
