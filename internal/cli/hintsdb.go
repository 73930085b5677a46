package cli

import (
	"fmt"
	"time"

	"exigo/internal/conf"
	"exigo/internal/retry"
)

// hintsDB is -bdumpdb [-z] [-k] NAME and -btidydb [-t time] NAME: Exim's
// exim_dumpdb and exim_tidydb on the configuration's spool directory.
func (r *run) hintsDB() int {
	cfg, ok := r.configOrDie()
	if !ok {
		return 1
	}
	var utc, keys bool
	keep := time.Duration(0)
	args := r.opts.Args
	for len(args) > 1 {
		switch args[0] {
		case "-z":
			utc = true
		case "-k":
			keys = true
		case "-t":
			if len(args) < 3 {
				return r.hintsUsage()
			}
			d, ok := conf.ParseTime(args[1])
			if !ok {
				return r.hintsUsage()
			}
			keep = d
			args = args[1:]
		default:
			return r.hintsUsage()
		}
		args = args[1:]
	}
	if len(args) != 1 {
		return r.hintsUsage()
	}
	dir := spoolDir(cfg)
	var err error
	if r.opts.HintsCmd == "dumpdb" {
		err = retry.DumpWith(r.stdout, dir, args[0], retry.DumpOptions{UTC: utc, KeysOnly: keys, Err: r.stderr})
	} else {
		err = retry.TidyWith(r.stdout, dir, args[0], retry.TidyOptions{Now: time.Now(), MaxKeep: keep})
	}
	if err != nil {
		if err != retry.ErrUsage {
			fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		}
		return 1
	}
	return 0
}

func (r *run) hintsUsage() int {
	fmt.Fprintf(r.stderr, "usage: exigo -bdumpdb [-z] [-k] <database-name>\n       exigo -btidydb [-t <time>] <database-name>\n")
	return 1
}
