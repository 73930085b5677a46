// Package conf reads Exim run time configuration files (manual chapter
// "The Exim runtime configuration file"): macros, conditionals, includes,
// named lists, main options, ACLs, drivers, retry and rewrite rules.
package conf

import (
	"sort"
	"sync"
)

// Type is how an option's value is written and read.
type Type int

const (
	TypeString        Type = iota // a string; Expanded says whether Exim expands it
	TypeBool                      // name, no_name, not_name, name = true/false/yes/no
	TypeInt                       // decimal, 0x hex or 0 octal, with K/M/G suffix
	TypeOctal                     // an integer written in octal (file modes)
	TypeSize                      // an integer printed with K/M suffixes by -bP
	TypeKSize                     // a size kept in kilobytes: "3000" is 3000K, "10M" is 10240K
	TypeTime                      // 1d2h30m; printed the same way
	TypeFixed                     // fixed point with three decimals
	TypeStringList                // a colon list of strings
	TypeHostList                  // a host list
	TypeDomainList                // a domain list
	TypeAddressList               // an address list
	TypeLocalPartList             // a local part list
	TypeUID                       // a user name or number
	TypeGID                       // a group name or number
	TypeUIDList                   // a list of users
	TypeGIDList                   // a list of groups
	TypeTimeList                  // a colon list of times (e.g. dns_csa_search?)
	TypeRewrite                   // rewrite rules (headers_rewrite)
)

// Kind is the section an option belongs to.
type Kind int

const (
	KindMain Kind = iota
	KindRouter
	KindTransport
	KindAuthenticator
)

// Section is the configuration section word for the kind, as in "begin
// routers", and the singular used in error messages.
func (k Kind) Section() (plural, singular string) {
	switch k {
	case KindRouter:
		return "routers", "router"
	case KindTransport:
		return "transports", "transport"
	case KindAuthenticator:
		return "authenticators", "authenticator"
	}
	return "main", "main"
}

// OptionDef describes one option: its name, type and Exim default.
type OptionDef struct {
	Name string
	Type Type
	// Default is the value used when the option is not set, written as in
	// a configuration file ("" and Unset=true mean unset).
	Default string
	// Unset says the option has no value by default (-bP prints "name =").
	Unset bool
	// Expanded marks string options that Exim expands before use.
	Expanded bool
	// Implemented is false for options exigo reads but does not act on
	// yet; -bV warns when a configuration sets one.
	Implemented bool
}

var registry = struct {
	sync.RWMutex
	generic     map[Kind]map[string]*OptionDef
	drivers     map[Kind]map[string]map[string]*OptionDef
	implemented map[implKey]bool
}{
	generic:     map[Kind]map[string]*OptionDef{},
	drivers:     map[Kind]map[string]map[string]*OptionDef{},
	implemented: map[implKey]bool{},
}

type implKey struct {
	kind         Kind
	driver, name string
}

// MarkImplemented records that exigo acts on these options (driver ""
// for main or generic options). The package that implements a feature
// calls it from init, so -bV stops warning about the options.
func MarkImplemented(kind Kind, driver string, names ...string) {
	registry.Lock()
	defer registry.Unlock()
	for _, n := range names {
		registry.implemented[implKey{kind, driver, n}] = true
	}
}

func isImplemented(kind Kind, driver string, def *OptionDef) bool {
	if def.Implemented {
		return true
	}
	registry.RLock()
	defer registry.RUnlock()
	return registry.implemented[implKey{kind, driver, def.Name}] ||
		registry.implemented[implKey{kind, "", def.Name}]
}

// RegisterGeneric adds options valid in every instance of the kind (for
// KindMain: the main section). A later registration of the same name
// replaces the earlier one, so a feature package can refine a table entry.
func RegisterGeneric(kind Kind, opts []OptionDef) {
	registry.Lock()
	defer registry.Unlock()
	m := registry.generic[kind]
	if m == nil {
		m = map[string]*OptionDef{}
		registry.generic[kind] = m
	}
	for i := range opts {
		o := opts[i]
		m[o.Name] = &o
	}
}

// RegisterDriver declares a driver of the kind and its private options.
// Calling it again for the same driver adds options.
func RegisterDriver(kind Kind, driver string, opts []OptionDef) {
	registry.Lock()
	defer registry.Unlock()
	byName := registry.drivers[kind]
	if byName == nil {
		byName = map[string]map[string]*OptionDef{}
		registry.drivers[kind] = byName
	}
	m := byName[driver]
	if m == nil {
		m = map[string]*OptionDef{}
		byName[driver] = m
	}
	for i := range opts {
		o := opts[i]
		m[o.Name] = &o
	}
}

// DriverNames lists the registered drivers of a kind, sorted.
func DriverNames(kind Kind) []string {
	registry.RLock()
	defer registry.RUnlock()
	var names []string
	for n := range registry.drivers[kind] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// HasDriver reports whether a driver of the kind is registered.
func HasDriver(kind Kind, driver string) bool {
	registry.RLock()
	defer registry.RUnlock()
	_, ok := registry.drivers[kind][driver]
	return ok
}

// lookupDef finds an option: the driver's private options first, then the
// kind's generic ones (as Exim searches them).
func lookupDef(kind Kind, driver, name string) *OptionDef {
	registry.RLock()
	defer registry.RUnlock()
	if driver != "" {
		if d := registry.drivers[kind][driver][name]; d != nil {
			return d
		}
	}
	return registry.generic[kind][name]
}

// Defs returns the generic options of a kind and, when driver is not
// empty, the driver's private ones, each list sorted by name.
func Defs(kind Kind, driver string) (generic, private []*OptionDef) {
	registry.RLock()
	defer registry.RUnlock()
	for _, d := range registry.generic[kind] {
		generic = append(generic, d)
	}
	for _, d := range registry.drivers[kind][driver] {
		private = append(private, d)
	}
	byName := func(s []*OptionDef) {
		sort.Slice(s, func(i, j int) bool { return s[i].Name < s[j].Name })
	}
	byName(generic)
	byName(private)
	return generic, private
}
