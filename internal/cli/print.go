package cli

import (
	"bufio"
	"fmt"
)

// printOptions is -bP: with no arguments every main option, otherwise the
// named options and the special words Exim accepts (routers, macros, ...).
func (r *run) printOptions() int {
	cfg, ok := r.configOrDie()
	if !ok {
		return 1
	}
	out := bufio.NewWriter(r.stdout)
	defer out.Flush()
	// Like Exim, hidden values are shown only to an admin user; a user
	// who can read the configuration file counts as one here.
	admin := true
	if len(r.opts.Args) == 0 {
		cfg.PrintMain(out, admin)
		return 0
	}
	rc := 0
	args := r.opts.Args
	for i := 0; i < len(args); i++ {
		name := args[i]
		var err error
		if (name == "macro" || name == "router" || name == "transport" || name == "authenticator") && i+1 < len(args) {
			err = cfg.PrintItem(out, name, args[i+1], admin)
			i++
		} else {
			err = cfg.PrintOption(out, name, admin)
		}
		if err != nil {
			fmt.Fprintln(out, err)
			rc = 1
		}
	}
	return rc
}
