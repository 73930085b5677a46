// Package expand is Exim's string expansion language (manual chapter
// "String expansions"). It is pure: variables come through Vars, headers
// through Headers, and lookups, list matching, items, operators and
// conditions through registries.
package expand

import (
	"io"

	"exigo/internal/lists"
)

// Vars supplies variable values by name (without the '$').
type Vars interface {
	Var(name string) (value string, tainted bool, ok bool)
}

// Headers gives the message headers to $h_, $rh_, $bh_, $lh_, $header_...
type Headers interface {
	// Header returns every instance of the named header (case-insensitive),
	// each the raw text after the colon, folding included.
	Header(name string) []string
}

// Context carries everything one expansion needs. A zero Context is valid
// (no variables, no message), as in "exigo -be" without a configuration.
type Context struct {
	Vars    Vars
	Headers Headers
	Lists   *lists.Env
	Debug   io.Writer // -d output; nil for none
	// ACL variables ($acl_c*, $acl_m*) set while expanding, keyed by name.
	ACL map[string]string
}
