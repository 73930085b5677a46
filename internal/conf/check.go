package conf

import (
	"fmt"
	"sort"
	"strings"
)

func init() {
	// What the core already acts on: the expansion variables, the
	// resolver, and the places files live.
	MarkImplemented(KindMain, "", "primary_hostname", "qualify_domain",
		"qualify_recipient", "spool_directory", "log_file_path",
		"keep_environment", "add_environment", "headers_charset",
		"dns_servers", "exim_path", "exim_user", "exim_group")
	// The reader itself acts on "driver": it picks the option table.
	for _, k := range []Kind{KindRouter, KindTransport, KindAuthenticator} {
		MarkImplemented(k, "", "driver")
	}
}

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
		if v.Def != nil && !isImplemented(o.kind, o.driver, v.Def) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
