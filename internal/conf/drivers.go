package conf

import (
	"fmt"
	"strings"
)

// driverDef is the generic "driver" option, present for every kind even
// before the option tables register it.
var driverDef = &OptionDef{Name: "driver", Type: TypeString, Unset: true, Implemented: true}

// readDrivers reads "name:" headed instances of routers, transports or
// authenticators.
func (p *parser) readDrivers(kind Kind) error {
	_, singular := kind.Section()
	var cur *Driver
	var all []*Driver
	for {
		l, ok, err := p.nextLine()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if isUpper(l.text[0]) {
			if err := p.defineMacro(l); err != nil {
				return err
			}
			continue
		}
		name, rest := splitName(l.text)
		if name != "" && strings.HasPrefix(strings.TrimLeft(rest, " \t"), ":") {
			cur = &Driver{Options: newOptions(kind, ""), Kind: kind, Name: name, File: l.file, Line: l.num}
			all = append(all, cur)
			continue
		}
		if cur == nil {
			return p.errAt(l, "%s name missing", singular)
		}
		if err := p.driverOption(cur, l); err != nil {
			return err
		}
	}
	for i, d := range all {
		if d.Driver == "" {
			return &Error{Msg: fmt.Sprintf("no driver defined for %s %q", singular, d.Name)}
		}
		for _, e := range all[:i] {
			if e.Name == d.Name {
				return &Error{Msg: fmt.Sprintf("there are two %ss called %q", singular, d.Name)}
			}
		}
	}
	switch kind {
	case KindRouter:
		p.cfg.Routers = append(p.cfg.Routers, all...)
	case KindTransport:
		p.cfg.Transports = append(p.cfg.Transports, all...)
	case KindAuthenticator:
		p.cfg.Authenticators = append(p.cfg.Authenticators, all...)
	}
	return nil
}

// driverOption handles one option line of an instance; "driver" selects
// the private option table.
func (p *parser) driverOption(d *Driver, l line) error {
	name, rest := splitName(l.text)
	if name != "driver" {
		hint := ""
		if d.Driver == "" {
			hint = ` ("driver" must be specified before any private options)`
		}
		return p.setOptionHint(&d.Options, l, "option", hint)
	}
	if d.Driver != "" {
		return p.errAt(l, "%q option set for the second time", "driver")
	}
	rest = strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(rest, "=") {
		return p.errAt(l, "unexpected end of line (data missing) after driver")
	}
	value := strings.TrimSpace(rest[1:])
	_, singular := d.Kind.Section()
	if !HasDriver(d.Kind, value) {
		return p.errAt(l, "%s %s: cannot find %s driver %q", singular, d.Name, singular, value)
	}
	d.Driver = value
	d.Options.driver = value
	def := d.Options.Def("driver")
	if def == nil {
		def = driverDef
	}
	d.vals["driver"] = &Value{Def: def, Raw: value, Set: true, File: l.file, Line: l.num}
	return nil
}
