package conf

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"exigo/internal/features"
)

// macroTable holds macros in definition order: substitution tries them in
// that order, and a redefinition keeps the original position.
type macroTable struct {
	list []*Macro
	// firstUser is the index of the first macro that is not built in;
	// lines whose first candidate is not "_" skip the built-ins.
	firstUser int
}

// newMacroTable starts with the built-in feature macros, then the -D ones.
func newMacroTable(defines map[string]string) (*macroTable, error) {
	t := &macroTable{}
	builtin := features.Macros()
	for n, v := range registryMacros() {
		builtin[n] = v
	}
	names := make([]string, 0, len(builtin))
	for n := range builtin {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.list = append(t.list, &Macro{Name: n, Value: builtin[n], Builtin: true})
	}
	t.firstUser = len(t.list)
	cmd := make([]string, 0, len(defines))
	for n := range defines {
		cmd = append(cmd, n)
	}
	sort.Strings(cmd)
	for _, n := range cmd {
		if err := CheckCommandMacro(n); err != nil {
			return nil, err
		}
		t.list = append(t.list, &Macro{Name: n, Value: defines[n], Command: true})
	}
	return t, nil
}

// CheckCommandMacro checks a -D name as Exim does.
func CheckCommandMacro(name string) error {
	if name == "" || name[0] < 'A' || name[0] > 'Z' {
		return errors.New("macro name set by -D must start with an upper case letter")
	}
	for i := 0; i < len(name); i++ {
		if !isNameChar(name[i]) {
			return fmt.Errorf("bad -D macro name %q", name)
		}
	}
	return nil
}

func isNameChar(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// candidate reports whether a macro name may start at s[i]: an upper case
// letter, or an underscore followed by one.
func candidate(s string, i int) bool {
	return isUpper(s[i]) || (s[i] == '_' && i+1 < len(s) && isUpper(s[i+1]))
}

func nextCandidate(s string, i int) int {
	for i < len(s) && !candidate(s, i) {
		i++
	}
	return i
}

// substitute replaces macros in one physical line. At the start of a
// logical line, the name of a macro being defined ("NAME =") is left
// alone. found reports whether any substitution happened (.ifdef's test).
func (t *macroTable) substitute(raw string, logicalStart bool) (string, bool) {
	s := raw
	start := len(s) - len(strings.TrimLeft(s, " \t\r\n\v\f"))
	if logicalStart && start < len(s) && isUpper(s[start]) {
		j := start
		for j < len(s) && isNameChar(s[j]) {
			j++
		}
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		if j < len(s) && s[j] == '=' {
			start = j
		}
	}
	pos := nextCandidate(s, start)
	if pos >= len(s) {
		return s, false
	}
	from := t.firstUser
	if s[pos] == '_' {
		from = 0
	}
	found := false
	for _, m := range t.list[from:] {
		pos = nextCandidate(s, pos)
		if pos >= len(s) {
			break
		}
		searchFrom := pos
		for {
			k := strings.Index(s[searchFrom:], m.Name)
			if k < 0 {
				break
			}
			at := searchFrom + k
			s = s[:at] + m.Value + s[at+len(m.Name):]
			found = true
			// The replacement is not rescanned for this macro.
			searchFrom = nextCandidate(s, at+len(m.Value))
			if searchFrom >= len(s) {
				break
			}
		}
	}
	return s, found
}

// define handles a logical line that starts with an upper case letter.
func (t *macroTable) define(text string) error {
	i := 0
	for i < len(text) && isNameChar(text[i]) {
		i++
	}
	name := text[:i]
	if len(name) > 63 {
		return errors.New("macro name too long (maximum is 63 characters)")
	}
	rest := strings.TrimLeft(text[i:], " \t")
	if !strings.HasPrefix(rest, "=") {
		return errors.New("malformed macro definition")
	}
	rest = rest[1:]
	redef := strings.HasPrefix(rest, "=")
	if redef {
		rest = rest[1:]
	}
	value := strings.TrimSpace(rest)
	var existing *Macro
	for _, m := range t.list {
		if m.Name == name {
			existing = m
			break
		}
		if len(m.Name) < len(name) && strings.Contains(name, m.Name) {
			return &Error{Msg: fmt.Sprintf("%q cannot be defined as a macro because previously defined macro %q is a substring", name, m.Name)}
		}
	}
	switch {
	case existing != nil && existing.Command:
		return nil // -D overrides every definition in the file
	case existing != nil && !redef:
		return &Error{Msg: fmt.Sprintf("macro %q is already defined (use \"==\" if you want to redefine it)", name)}
	case existing != nil:
		existing.Value = value
	case redef:
		return &Error{Msg: fmt.Sprintf("can't redefine an undefined macro %q", name)}
	default:
		t.list = append(t.list, &Macro{Name: name, Value: value})
	}
	return nil
}

// SubstituteMacros replaces the configuration's macros (built-in ones
// too) in s, as Exim does in -be strings.
func (c *Config) SubstituteMacros(s string) string {
	if c.macroTab == nil {
		return s
	}
	out, _ := c.macroTab.substitute(s, false)
	return out
}

// snapshot copies the macros for the Config.
func (t *macroTable) snapshot() []Macro {
	out := make([]Macro, len(t.list))
	for i, m := range t.list {
		out[i] = *m
	}
	return out
}

// condDirective is one of .ifdef, .ifndef, .elifdef, .elifndef, .else,
// .endif: which transition to take when a macro was or was not found, and
// whether it opens (1) or closes (-1) a level.
type condDirective struct {
	name            string
	ifFound, ifNone int
	pushpop         int
}

var condDirectives = []condDirective{
	{"ifdef", 0, 1, 1},
	{"ifndef", 1, 0, 1},
	{"elifdef", 2, 3, 0},
	{"elifndef", 3, 2, 0},
	{"else", 2, 2, 0},
	{"endif", 0, 0, -1},
}

// States: 0 reading lines; 1 skipping until a branch is taken; 2
// skipping to the .endif (a branch was taken, or an outer level skips).
var condNext = [3][4]int{
	{0, 1, 2, 2},
	{2, 2, 0, 1},
	{2, 2, 2, 2},
}

type condStack struct {
	state int
	saved []int
}

func (c *condStack) depth() int   { return len(c.saved) }
func (c *condStack) active() bool { return c.state == 0 }
func (c *condStack) apply(d condDirective, found bool) error {
	action := d.ifNone
	if found {
		action = d.ifFound
	}
	switch {
	case d.pushpop > 0:
		if len(c.saved) >= 10 {
			return fmt.Errorf(".%s nested too deeply", d.name)
		}
		c.saved = append(c.saved, c.state)
		c.state = condNext[c.state][action]
	case len(c.saved) == 0:
		return fmt.Errorf(".%s without matching .ifdef", d.name)
	case d.pushpop < 0:
		c.state = c.saved[len(c.saved)-1]
		c.saved = c.saved[:len(c.saved)-1]
	default:
		c.state = condNext[c.state][action]
	}
	return nil
}

// registryMacros are Exim's _DRIVER_*, _OPT_* and _ACL_* built-in macros,
// made from what the option tables and ACL lists hold.
func registryMacros() map[string]string {
	m := map[string]string{}
	up := strings.ToUpper
	for _, kind := range []Kind{KindMain, KindRouter, KindTransport, KindAuthenticator} {
		plural, singular := kind.Section()
		generic, _ := Defs(kind, "")
		for _, d := range generic {
			m["_OPT_"+up(plural)+"_"+up(d.Name)] = "y"
		}
		if kind == KindMain {
			continue
		}
		for _, drv := range DriverNames(kind) {
			m["_DRIVER_"+up(singular)+"_"+up(drv)] = "y"
			_, private := Defs(kind, drv)
			for _, d := range private {
				m["_OPT_"+up(singular)+"_"+up(drv)+"_"+up(d.Name)] = "y"
			}
		}
	}
	registry.RLock()
	defer registry.RUnlock()
	for n := range aclConditions {
		m["_ACL_COND_"+up(n)] = "y"
	}
	for n := range aclModifiers {
		m["_ACL_MOD_"+up(n)] = "y"
	}
	return m
}
