package auth

import (
	"strconv"

	"exigo/internal/expand"
)

func isForced(err error) bool { return expand.IsForcedFail(err) }

// Vars puts $auth1 .. $auth4 from vals in front of base, for an
// Exchange's Expand. The values came from the client, so they are
// tainted. The numbered variables $1 .. $n are not set: package expand
// has no way to start an expansion with them yet.
func Vars(base expand.Vars, vals []string) expand.Vars {
	return authVars{base: base, vals: vals}
}

type authVars struct {
	base expand.Vars
	vals []string
}

func (a authVars) Var(name string) (string, bool, bool) {
	if len(name) == 5 && name[:4] == "auth" && name[4] >= '1' && name[4] <= '0'+AuthVars {
		n, _ := strconv.Atoi(name[4:])
		if n <= len(a.vals) {
			return a.vals[n-1], true, true
		}
		return "", false, true
	}
	if a.base == nil {
		return "", false, false
	}
	return a.base.Var(name)
}
