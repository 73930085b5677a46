package conf

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// PrintMain writes every main option as "exim -bP" does, sorted by name.
func (c *Config) PrintMain(w io.Writer, admin bool) {
	generic, _ := Defs(KindMain, "")
	for _, d := range generic {
		v, _ := c.Get(d.Name)
		fmt.Fprintln(w, formatOption(d, v, admin))
	}
}

// PrintOption is "-bP NAME" for one word: a main option, or one of the
// words Exim 4.96 accepts there (config_file, router_list, macros, ...).
// The error is Exim's text for an unknown name.
func (c *Config) PrintOption(w io.Writer, name string, admin bool) error {
	switch name {
	case "config_file":
		fmt.Fprintln(w, c.File)
	case "config":
		c.printConfig(w)
	case "router_list", "transport_list", "authenticator_list":
		kind := map[string]Kind{"router_list": KindRouter, "transport_list": KindTransport, "authenticator_list": KindAuthenticator}[name]
		for _, d := range c.Drivers(kind) {
			fmt.Fprintln(w, d.Name)
		}
	case "routers", "transports", "authenticators":
		kind := map[string]Kind{"routers": KindRouter, "transports": KindTransport, "authenticators": KindAuthenticator}[name]
		for _, d := range c.Drivers(kind) {
			_, singular := kind.Section()
			fmt.Fprintf(w, "\n%s %s:\n", d.Name, singular)
			d.print(w, admin)
		}
	case "macro_list":
		for _, m := range c.macroOrder() {
			fmt.Fprintln(w, m.Name)
		}
	case "macros":
		for _, m := range c.macroOrder() {
			fmt.Fprintf(w, "%s=%s\n", m.Name, m.Value)
		}
	case "environment":
		// exigo passes no environment of its own to -bP; like Exim with
		// keep_environment unset, there is nothing to print.
	default:
		if strings.HasPrefix(name, "+") {
			return c.printNamedList(w, name[1:], admin)
		}
		d := lookupDef(KindMain, "", name)
		if d == nil {
			return fmt.Errorf("%s is not a known option", name)
		}
		v, _ := c.Get(name)
		fmt.Fprintln(w, formatOption(d, v, admin))
	}
	return nil
}

// PrintItem is "-bP router NAME" and the like, and "-bP macro NAME".
func (c *Config) PrintItem(w io.Writer, what, name string, admin bool) error {
	if what == "macro" {
		if v, ok := c.Macro(name); ok {
			fmt.Fprintf(w, "%s=%s\n", name, v)
			return nil
		}
		return fmt.Errorf("macro %s not found", name)
	}
	kind := map[string]Kind{"router": KindRouter, "transport": KindTransport, "authenticator": KindAuthenticator}[what]
	for _, d := range c.Drivers(kind) {
		if d.Name == name {
			d.print(w, admin)
			return nil
		}
	}
	return fmt.Errorf("%s %s not found", what, name)
}

// print writes an instance's generic options, then its private ones,
// each group sorted, as Exim does.
func (d *Driver) print(w io.Writer, admin bool) {
	generic, private := Defs(d.Kind, d.Driver)
	for _, group := range [][]*OptionDef{generic, private} {
		for _, def := range group {
			v, _ := d.Get(def.Name)
			if def.Name == "driver" {
				v = d.vals["driver"]
			}
			fmt.Fprintln(w, formatOption(def, v, admin || !v.Hidden))
		}
	}
}

func (c *Config) printNamedList(w io.Writer, name string, admin bool) error {
	found := false
	for _, l := range c.Lists {
		if l.Name != name {
			continue
		}
		found = true
		word := map[int]string{0: "domainlist", 1: "hostlist", 2: "addresslist", 3: "localpartlist"}[int(l.Kind)]
		value := l.Value
		if l.Hide && !admin {
			value = "<value not displayable>"
		}
		fmt.Fprintf(w, "%s %s = %s\n", word, l.Name, value)
	}
	if !found {
		return fmt.Errorf("no named list called \"%s\"", name)
	}
	return nil
}

// macroOrder lists user macros first, then the built-in ones, as Exim's
// -bP macros does.
func (c *Config) macroOrder() []Macro {
	var user, builtin []Macro
	for _, m := range c.Macros {
		if m.Builtin {
			builtin = append(builtin, m)
		} else {
			user = append(user, m)
		}
	}
	sort.SliceStable(builtin, func(i, j int) bool { return builtin[i].Name > builtin[j].Name })
	return append(user, builtin...)
}

// printConfig writes the configuration as read, without comments, the
// way "exim -bP config" lays it out.
func (c *Config) printConfig(w io.Writer) {
	fmt.Fprintf(w, "# Exim Configuration (%s)\n# 1 %q\n", "4.96", c.File)
	inDrivers := false
	for _, l := range c.Lines {
		if strings.HasPrefix(strings.ToLower(l), "begin ") {
			section := strings.ToLower(strings.TrimSpace(l[6:]))
			inDrivers = section == "routers" || section == "transports" || section == "authenticators" || section == "acl"
			fmt.Fprintf(w, "\n%s\n\n", l)
			continue
		}
		switch {
		case inDrivers && isDriverHeader(l):
			fmt.Fprintf(w, "  %s\n", l)
		case inDrivers:
			fmt.Fprintf(w, "    %s\n", l)
		default:
			fmt.Fprintln(w, l)
		}
	}
}

func isDriverHeader(l string) bool {
	name, rest := splitName(l)
	return name != "" && strings.TrimSpace(rest) == ":"
}

// formatOption writes one option as -bP does: booleans as name/no_name,
// others as "name = value", hidden values only to admins.
func formatOption(d *OptionDef, v *Value, admin bool) string {
	if d.Type == TypeBool {
		if v != nil && d.Expanded && strings.HasPrefix(v.Raw, "$") {
			return d.Name + " = " + v.Raw
		}
		if v != nil && v.Bool {
			return d.Name
		}
		return "no_" + d.Name
	}
	if v != nil && v.Hidden && !admin {
		return d.Name + " = <value not displayable>"
	}
	if v == nil || v.Unset {
		switch d.Type {
		case TypeFixed, TypeUIDList, TypeGIDList:
			return d.Name + " ="
		}
		return d.Name + " = "
	}
	return d.Name + " = " + formatValue(d, v)
}

func formatValue(d *OptionDef, v *Value) string {
	switch d.Type {
	case TypeInt:
		return strconv.FormatInt(v.Int, 10)
	case TypeSize:
		return formatSize(v.Int)
	case TypeKSize:
		if v.Int != 0 && v.Int%(1024*1024) == 0 {
			return strconv.FormatInt(v.Int/(1024*1024), 10) + "G"
		}
		if v.Int != 0 && v.Int%1024 == 0 {
			return strconv.FormatInt(v.Int/1024, 10) + "M"
		}
		return strconv.FormatInt(v.Int, 10) + "K"
	case TypeOctal:
		return "0" + strconv.FormatInt(v.Int, 8)
	case TypeTime:
		return FormatTime(v.Time)
	case TypeFixed:
		return formatFixedShort(v.Fixed)
	}
	return v.Raw
}

// formatSize prints whole megabytes and kilobytes with M and K.
func formatSize(n int64) string {
	switch {
	case n != 0 && n%(1024*1024) == 0:
		return strconv.FormatInt(n/(1024*1024), 10) + "M"
	case n != 0 && n%1024 == 0:
		return strconv.FormatInt(n/1024, 10) + "K"
	}
	return strconv.FormatInt(n, 10)
}

// formatFixedShort prints a fixed point value without trailing zeros
// ("2.5", "1.234", "3"), as -bP shows them.
func formatFixedShort(n int64) string {
	s := FormatFixed(n)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
