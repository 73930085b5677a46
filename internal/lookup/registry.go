package lookup

import (
	"sort"
	"sync"
)

var (
	registryMu sync.RWMutex
	registry   = map[string]Driver{}
)

// Register makes a driver available under its name. A later registration
// of the same name replaces the earlier one (tests use this).
func Register(d Driver) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[d.Name()] = d
}

// Get finds a registered driver.
func Get(name string) (Driver, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	d, ok := registry[name]
	return d, ok
}

// lsearchFamily is listed first by -bV, in this order, as Exim does.
var lsearchFamily = []string{"lsearch", "wildlsearch", "nwildlsearch", "iplsearch"}

// Names lists the registered drivers in the order "exim -bV" prints them:
// the lsearch family first, then the others alphabetically.
func Names() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	var out, rest []string
	first := map[string]bool{}
	for _, n := range lsearchFamily {
		if _, ok := registry[n]; ok {
			out = append(out, n)
			first[n] = true
		}
	}
	for n := range registry {
		if !first[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// knownElsewhere are lookup types Exim knows but exigo does not build;
// naming one gives Exim's "not available" message rather than "unknown".
var knownElsewhere = map[string]bool{
	"cdb": true, "dbm": true, "dbmjz": true, "dbmnz": true, "ibase": true,
	"json": true, "ldap": true, "ldapdn": true, "ldapm": true, "mysql": true,
	"nis": true, "nis0": true, "nisplus": true, "oracle": true, "passwd": true,
	"pgsql": true, "psl": true, "readsock": true, "redis": true, "spf": true,
	"sqlite": true, "testdb": true, "whoson": true,
}
