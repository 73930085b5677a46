package lookup

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"

	"github.com/PowerDNS/lmdb-go/lmdb"

	"exigo/internal/syserr"
)

// lmdbDriver reads LMDB files (one file, as "mdb_load -n" makes them),
// read-only (experimental spec "LMDB Lookup support").
type lmdbDriver struct{}

func (lmdbDriver) Name() string { return "lmdb" }
func (lmdbDriver) Kind() Kind   { return SingleKey }

func init() { Register(lmdbDriver{}) }

// lmdbEnv is an open environment, shared by all handles on its file and
// kept open across Tidy: LMDB readers see committed updates by themselves,
// so only a replaced file (new inode) needs a new environment.
type lmdbEnv struct {
	mu  sync.RWMutex // readers hold it during a lookup; closing takes it
	env *lmdb.Env
	dbi lmdb.DBI
	id  fileID
}

var (
	lmdbEnvsMu sync.Mutex
	lmdbEnvs   = map[string]*lmdbEnv{}
)

// Open returns a handle on the file's environment, opening it when it is
// not open yet or the file was replaced.
func (lmdbDriver) Open(file string, _ []string) (Handle, error) {
	path := sysPath(file)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, lmdbOpenError("open environment with "+file, err)
	}
	id := idOf(fi)
	id.size, id.mtimeNs, id.ctimeNs = 0, 0, 0 // writes do not need a reopen
	lmdbEnvsMu.Lock()
	defer lmdbEnvsMu.Unlock()
	if e := lmdbEnvs[path]; e != nil && e.id == id {
		return lmdbHandle{e}, nil
	}
	e, err := openLmdbEnv(path, file)
	if err != nil {
		return nil, err
	}
	e.id = id
	if old := lmdbEnvs[path]; old != nil {
		old.close()
	}
	lmdbEnvs[path] = e
	return lmdbHandle{e}, nil
}

func openLmdbEnv(path, file string) (*lmdbEnv, error) {
	env, err := lmdb.NewEnv()
	if err != nil {
		return nil, lmdbOpenError("create environment", err)
	}
	if err := env.Open(path, lmdb.NoSubdir|lmdb.Readonly, 0o660); err != nil {
		env.Close()
		return nil, lmdbOpenError("open environment with "+file, err)
	}
	e := &lmdbEnv{env: env}
	err = env.View(func(txn *lmdb.Txn) error {
		e.dbi, err = txn.OpenRoot(0)
		return err
	})
	if err != nil {
		env.Close()
		return nil, lmdbOpenError("open database", err)
	}
	return e, nil
}

// lmdbOpenError is Exim's "LMDB: Unable to <what>: <mdb_strerror>".
func lmdbOpenError(what string, err error) error {
	return &OpenError{Msg: fmt.Sprintf("LMDB: Unable to %s: %s", what, lmdbStrerror(err))}
}

func lmdbStrerror(err error) string {
	var oe *lmdb.OpError
	if errors.As(err, &oe) {
		err = oe.Errno
	}
	var se syscall.Errno
	if errors.As(err, &se) {
		return syserr.Text(se)
	}
	return err.Error()
}

func (e *lmdbEnv) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.env.Close()
	e.env = nil
}

type lmdbHandle struct{ e *lmdbEnv }

// Close leaves the environment open for later handles.
func (lmdbHandle) Close() error { return nil }

// Find reads key's value in a read-only transaction.
func (h lmdbHandle) Find(key string, _ []string) (string, bool, error) {
	h.e.mu.RLock()
	defer h.e.mu.RUnlock()
	if h.e.env == nil {
		return "", false, &DeferError{Msg: "LMDB: lookup error: environment closed"}
	}
	var value string
	err := h.e.env.View(func(txn *lmdb.Txn) error {
		v, err := txn.Get(h.e.dbi, []byte(key))
		value = string(v)
		return err
	})
	switch {
	case err == nil:
		return value, true, nil
	case lmdb.IsNotFound(err):
		return "", false, nil
	}
	return "", false, &DeferError{Msg: "LMDB: lookup error: " + lmdbStrerror(err)}
}
