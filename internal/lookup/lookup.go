// Package lookup holds Exim's lookup drivers and the registry that opens,
// caches and searches them (manual chapter "File and database lookups").
package lookup

import "errors"

// Kind tells how a driver is called.
type Kind int

const (
	SingleKey    Kind = iota // ${lookup{key}lsearch{/file}}: needs an absolute file name
	Query                    // ${lookup dnsdb{query}}: the query is the whole argument
	SingleKeyDir             // like SingleKey but the "file" is a directory (dsearch)
)

// Driver is one lookup type. Opening and caching are the registry's job.
type Driver interface {
	Name() string
	Kind() Kind
}

// Handle is an open single-key source (a file, a database).
type Handle interface {
	// Find looks key up. opts are the ",opt=value" options given after the
	// driver name (for example "ret=key"), already split.
	Find(key string, opts []string) (value string, found bool, err error)
	Close() error
}

// SingleKeyDriver opens files; the registry caches the handles.
type SingleKeyDriver interface {
	Driver
	Open(file string, opts []string) (Handle, error)
}

// QueryDriver answers whole queries (dnsdb).
type QueryDriver interface {
	Driver
	Query(query string, opts []string) (value string, found bool, err error)
}

// DeferError is a temporary failure: the expansion fails with
// "lookup of ... gave DEFER: <Msg>" and the caller defers.
type DeferError struct{ Msg string }

func (e *DeferError) Error() string { return e.Msg }

// IsDefer reports whether err is (or wraps) a DeferError.
func IsDefer(err error) bool {
	var d *DeferError
	return errors.As(err, &d)
}

// Spec is a parsed lookup type such as "partial2-lsearch*@,ret=key".
type Spec struct {
	Driver        Driver
	Partial       int    // minimum number of non-wild components, -1 when not partial
	PartialPrefix string // "*." unless given as partial(...)
	Star          bool   // "*" default
	StarAt        bool   // "*@" default
	Opts          []string
}

// Result is what a search found.
type Result struct {
	Value string
	Found bool
	Key   string // the key that matched (after partial / default processing)
	// Wild and Fixed are the two numeric variables a partial or default
	// match sets up in lists ($1 and $2 for a domain list item): the part
	// of the subject that matched the wildcard and the fixed rest. They are
	// meaningful only when HasParts is set.
	Wild, Fixed string
	HasParts    bool
	// ResetNumeric is set after a (n)wildlsearch match: Exim unsets the
	// numeric variables ($0, $1, ...) then.
	ResetNumeric bool
	// DNSSEC is the value for $lookup_dnssec_authenticated after a dnsdb
	// lookup: "yes", "no", or "" when DNSSEC was not requested.
	DNSSEC string
}
