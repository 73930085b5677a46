package conf

import (
	"fmt"
	"time"

	"exigo/internal/lists"
)

// Error is a configuration error; its text is Exim's.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		// Errors found after reading (duplicates, missing drivers) carry
		// no position in Exim either.
		return fmt.Sprintf("Exim configuration error:\n  %s", e.Msg)
	}
	return fmt.Sprintf("Exim configuration error in line %d of %s:\n  %s", e.Line, e.File, e.Msg)
}

// Options holds the settings of one section or driver instance, backed by
// the option tables for defaults.
type Options struct {
	kind   Kind
	driver string
	vals   map[string]*Value
}

func newOptions(kind Kind, driver string) Options {
	return Options{kind: kind, driver: driver, vals: map[string]*Value{}}
}

// Def returns the table entry for an option of this section or driver.
func (o *Options) Def(name string) *OptionDef { return lookupDef(o.kind, o.driver, name) }

// Get returns the option's value: the setting, else the default. ok is
// false for a name no table knows.
func (o *Options) Get(name string) (v *Value, ok bool) {
	if v := o.vals[name]; v != nil {
		return v, true
	}
	def := o.Def(name)
	if def == nil {
		return nil, false
	}
	return defaultValue(def), true
}

// IsSet reports whether the configuration sets the option.
func (o *Options) IsSet(name string) bool { return o.vals[name] != nil }

// String is a string-like option's text ("" when unset).
func (o *Options) String(name string) string {
	v, ok := o.Get(name)
	if !ok || v.Unset {
		return ""
	}
	return v.Raw
}

// Bool is a boolean option.
func (o *Options) Bool(name string) bool {
	v, ok := o.Get(name)
	return ok && v.Bool
}

// Int is an integer option (also sizes, octal modes).
func (o *Options) Int(name string) int64 {
	v, _ := o.Get(name)
	if v == nil {
		return 0
	}
	return v.Int
}

// Time is a time option.
func (o *Options) Time(name string) time.Duration {
	v, _ := o.Get(name)
	if v == nil {
		return 0
	}
	return v.Time
}

// Fixed is a fixed point option in thousandths.
func (o *Options) Fixed(name string) int64 {
	v, _ := o.Get(name)
	if v == nil {
		return 0
	}
	return v.Fixed
}

// StringList splits a list option with Exim's list rules (unexpanded).
func (o *Options) StringList(name string) []string {
	s := o.String(name)
	if s == "" {
		return nil
	}
	return lists.Split(s)
}

// Set records a value from code (the CLI's -oX and the like), checked like
// a configuration line.
func (o *Options) Set(name, raw string) error {
	def := o.Def(name)
	if def == nil {
		return fmt.Errorf("unknown option %q", name)
	}
	v, err := parseValue(def, raw)
	if err != nil {
		return err
	}
	v.Set = true
	o.vals[name] = v
	return nil
}

// Names lists the options this section or driver sets, in no set order.
func (o *Options) setNames() []string {
	names := make([]string, 0, len(o.vals))
	for n := range o.vals {
		names = append(names, n)
	}
	return names
}

// Driver is a named router, transport or authenticator instance.
type Driver struct {
	Options
	Kind   Kind
	Name   string
	Driver string // the driver option: "accept", "smtp", ...
	File   string
	Line   int
}

// Macro is a macro definition, in the order defined.
type Macro struct {
	Name    string
	Value   string
	Builtin bool // _HAVE_* and friends
	Command bool // from -D
}

// NamedList is a domainlist/hostlist/addresslist/localpartlist.
type NamedList struct {
	Kind  lists.Kind
	Name  string
	Value string
	Hide  bool
	File  string
	Line  int
}

// ACL is a named access control list.
type ACL struct {
	Name       string
	Statements []*Statement
	File       string
	Line       int
}

// Statement is one verb with its conditions and modifiers, in order.
type Statement struct {
	Verb  string // accept, defer, deny, discard, drop, require, warn
	Items []ACLItem
	File  string
	Line  int
}

// ACLItem is "name = value" under a verb; Negated is "!name = value".
// Endpass is the bare word endpass (Name "endpass", no value).
type ACLItem struct {
	Name    string
	Var     string // for "set": the variable name (acl_c0, acl_m_x)
	Value   string
	Negated bool
	Line    int
}

// RetryRule is one line of "begin retry".
type RetryRule struct {
	Pattern string
	Error   string // "*", "timeout_connect", "rcpt_4xx", "quota_7d", ...
	Senders string // the optional "senders=" list
	Params  []RetryParam
	Line    int
}

// RetryParam is one "F,2h,15m" or "G,16h,1h,1.5" item.
type RetryParam struct {
	Algorithm byte // 'F', 'G' or 'H'
	Cutoff    time.Duration
	Interval  time.Duration
	Factor    int64 // G and H: multiplier in thousandths
}

// RewriteRule is one line of "begin rewrite".
type RewriteRule struct {
	Pattern     string
	Replacement string
	Flags       string
	Line        int
}

// Config is a whole configuration.
type Config struct {
	Options        // the main section
	File           string
	Macros         []Macro
	macroTab       *macroTable // for SubstituteMacros
	Lists          []*NamedList
	ACLs           map[string]*ACL
	ACLOrder       []string
	Routers        []*Driver
	Transports     []*Driver
	Authenticators []*Driver
	Retry          []RetryRule
	Rewrite        []RewriteRule
	// Lines is the configuration after macros, includes and conditionals,
	// comments and blank lines removed (what -bP config prints).
	Lines    []string
	warnings []string
	lists    map[lists.Kind]map[string]*NamedList
}

// Warnings are things that do not stop the configuration from working:
// options exigo reads but does not act on yet, ignored sections.
func (c *Config) Warnings() []string { return c.warnings }

// NamedList resolves "+name" for lists matching.
func (c *Config) NamedList(kind lists.Kind, name string) (string, bool) {
	l := c.lists[kind][name]
	if l == nil {
		return "", false
	}
	return l.Value, true
}

// Router finds a router by name (nil if none).
func (c *Config) Router(name string) *Driver { return findDriver(c.Routers, name) }

// Transport finds a transport by name (nil if none).
func (c *Config) Transport(name string) *Driver { return findDriver(c.Transports, name) }

// Authenticator finds an authenticator by name (nil if none).
func (c *Config) Authenticator(name string) *Driver { return findDriver(c.Authenticators, name) }

func findDriver(ds []*Driver, name string) *Driver {
	for _, d := range ds {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// Drivers returns the instances of a kind in configuration order.
func (c *Config) Drivers(kind Kind) []*Driver {
	switch kind {
	case KindRouter:
		return c.Routers
	case KindTransport:
		return c.Transports
	case KindAuthenticator:
		return c.Authenticators
	}
	return nil
}

// Macro returns a macro's value.
func (c *Config) Macro(name string) (string, bool) {
	for i := len(c.Macros) - 1; i >= 0; i-- {
		if c.Macros[i].Name == name {
			return c.Macros[i].Value, true
		}
	}
	return "", false
}
