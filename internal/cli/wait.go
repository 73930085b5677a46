package cli

import (
	"os"

	"exigo/internal/spool"
	"exigo/internal/waitdb"
)

// waitStore gives deliveries the spool's wait-<transport> databases.
func waitStore(sp *spool.Spool) *waitdb.Store {
	return &waitdb.Store{
		Dir: sp.Dir,
		OnSpool: func(id string) bool {
			_, err := os.Stat(sp.InputPath(id, "-D"))
			return err == nil
		},
		Sender: func(id string) (string, bool) {
			h, err := sp.ReadHeader(id)
			if err != nil {
				return "", false
			}
			return h.Sender, true
		},
	}
}
