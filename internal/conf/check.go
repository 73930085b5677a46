package conf

import (
	"fmt"
	"sort"
	"strings"
)

// check runs the whole-configuration checks Exim makes after reading.
func (c *Config) check() error {
	return nil
}

// collectWarnings notes options that are set but that exigo does not act
// on yet, one warning per section or driver instance.
func (c *Config) collectWarnings() {
	if names := c.Options.unimplemented(); len(names) > 0 {
		c.warnings = append(c.warnings, fmt.Sprintf("main options read but not yet acted on: %s", strings.Join(names, " ")))
	}
	for _, kind := range []Kind{KindRouter, KindTransport, KindAuthenticator} {
		_, singular := kind.Section()
		for _, d := range c.Drivers(kind) {
			if names := d.Options.unimplemented(); len(names) > 0 {
				c.warnings = append(c.warnings, fmt.Sprintf("%s %s: options read but not yet acted on: %s", singular, d.Name, strings.Join(names, " ")))
			}
		}
	}
}

func (o *Options) unimplemented() []string {
	var out []string
	for name, v := range o.vals {
		if v.Def != nil && !v.Def.Implemented {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
