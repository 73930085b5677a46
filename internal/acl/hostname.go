package acl

import (
	"strings"

	"exigo/internal/lists"
	"exigo/internal/lookup"
)

// hostNameFor gives the host name that matching list may need: the one
// already known or, when some item matches by name (a wildcard, a
// regular expression, a lookup keyed by the name), one looked up now.
// Exim looks the name up only then, and its log lines show the name
// from that moment.
func (c *Call) hostNameFor(list string) string {
	env := c.Env()
	if env.HostName == nil {
		return c.Var("sender_host_name")
	}
	name, _, _ := env.HostName(false)
	if name == "" && hostListNeedsName(env.Ctx.Lists, list, 0) {
		name, _, _ = env.HostName(true)
	}
	return name
}

// hostListNeedsName tells whether some item of a host list is matched
// against the host's name; named lists are followed a few levels deep.
func hostListNeedsName(env *lists.Env, list string, depth int) bool {
	for _, item := range lists.Split(list) {
		item = strings.TrimSpace(strings.TrimPrefix(item, "!"))
		switch {
		case strings.HasPrefix(item, "+"):
			if env != nil && env.Named != nil && depth < 8 {
				if sub, ok := env.Named.NamedList(lists.Host, item[1:]); ok && hostListNeedsName(env, sub, depth+1) {
					return true
				}
			}
		case item == "*" || item == "" || item == "@" || item == "@[]":
		case item[0] == '^' || strings.Contains(item, "*"):
			return true
		case strings.Contains(item, ";"):
			if keyedByName(item) {
				return true
			}
		}
	}
	return false
}

// keyedByName: a single-key lookup item not keyed by the address
// ("net-", "net24-" ...) uses the host's name as its key.
func keyedByName(item string) bool {
	spec := item[:strings.IndexByte(item, ';')]
	if strings.HasPrefix(spec, "net") {
		rest := strings.TrimLeft(spec[3:], "0123456789")
		if strings.HasPrefix(rest, "-") {
			return false
		}
	}
	s, err := lookup.ParseSpec(spec)
	return err != nil || s.Driver.Kind() != lookup.Query
}
