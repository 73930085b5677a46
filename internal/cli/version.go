package cli

import (
	"fmt"
	"io"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/features"
	"exigo/internal/lookup"
)

// version is -bV: what this build supports, then a check of the
// configuration (exit status 1 and Exim's error text when it is bad).
func (r *run) version() int {
	printVersion(r.stdout)
	cfg, ok := r.configOrDie()
	if !ok {
		return 1
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintf(r.stdout, "Warning: %s\n", w)
	}
	if r.opts.ConfigFile == "" {
		fmt.Fprintf(r.stdout, "Configuration file is the built-in default (data directory %s)\n", DataDir())
	} else {
		fmt.Fprintf(r.stdout, "Configuration file is %s\n", r.opts.ConfigFile)
	}
	return 0
}

func printVersion(w io.Writer) {
	fmt.Fprintf(w, "exigo version %s (runs Exim %s configurations)\n", Version, EximVersion)
	var all, pending []string
	for _, f := range features.All {
		all = append(all, f.Support)
		if !f.Ready {
			pending = append(pending, f.Support)
		}
	}
	fmt.Fprintf(w, "Support for: %s\n", strings.Join(all, " "))
	if len(pending) > 0 {
		fmt.Fprintf(w, "Not yet complete (options parse, behaviour pending): %s\n", strings.Join(pending, " "))
	}
	fmt.Fprintf(w, "Lookups (built-in): %s\n", strings.Join(lookup.Names(), " "))
	fmt.Fprintf(w, "Authenticators: %s\n", strings.Join(conf.DriverNames(conf.KindAuthenticator), " "))
	fmt.Fprintf(w, "Routers: %s\n", strings.Join(conf.DriverNames(conf.KindRouter), " "))
	fmt.Fprintf(w, "Transports: %s\n", strings.Join(conf.DriverNames(conf.KindTransport), " "))
}
