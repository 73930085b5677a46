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
}

// Result of a match. Data is what a lookup in the list returned (it becomes
// $domain_data, $local_part_data, $host_data ...) when HasData is set.
type Result struct {
	Matched bool
	HasData bool
	Data    string
}

// HostID identifies the host being matched in a host list.
type HostID struct {
	Addr string // textual IP address
	Name string // verified host name, "" if unknown
}
