// Package lists implements Exim's lists (manual chapter "Domain, host,
// address, and local part lists"): splitting with separator changes, and
// matching domains, hosts, addresses and local parts against them.
package lists

import (
	"exigo/internal/dnsx"
)

// Kind is the kind of a named list.
type Kind int

const (
	Domain Kind = iota
	Host
	Address
	LocalPart
)

// Named resolves "+name" references.
type Named interface {
	NamedList(kind Kind, name string) (list string, ok bool)
}

// Env is what matching needs from its surroundings.
type Env struct {
	Named           Named
	PrimaryHostname string   // for "@"
	LocalIPs        []string // for "@[]"
	Resolver        *dnsx.Resolver
	// Expand, when set, expands a named list's value when it is used.
	Expand func(s string) (string, error)
	// ExpandDomain, when set, is used instead of Expand for named domain
	// lists: Exim sets $domain to the domain being matched while it
	// expands a domain list, when $domain is not already set.
	ExpandDomain func(s, domain string) (string, error)
	// ForcedFail, when set, tells a forced expansion failure (the list
	// then does not match) from other expansion errors (it defers).
	// Without it an error with a ForcedFail() bool method is recognized.
	ForcedFail func(err error) bool
	// Log, when set, receives the lines Exim writes to its main log while
	// matching (for example "...: accepted by +include_unknown").
	Log func(line string)
}

// Result of a match. Data is what a lookup in the list returned (it becomes
// $domain_data, $local_part_data, $host_data ...) when HasData is set.
type Result struct {
	Matched bool
	HasData bool
	Data    string
	// Vars are the numeric variables a domain or local part list match
	// sets up: Vars[0] is $0 (the subject), then $1, $2 ... (what a
	// wildcard, a partial lookup or a regular expression captured).
	Vars []string
}

// HostID identifies the host being matched in a host list.
type HostID struct {
	Addr string // textual IP address
	Name string // verified host name, "" if unknown
	// Aliases are further verified names of the host.
	Aliases []string
}
