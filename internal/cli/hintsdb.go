package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"exigo/internal/conf"
	"exigo/internal/retry"
)

// dbArgs are exim_dumpdb's and exim_tidydb's arguments.
type dbArgs struct {
	utc, keys bool
	keep      time.Duration
	spool     string // "" when not given (exigo -bdumpdb NAME)
	name      string
}

// parseDBArgs reads [-z] [-k] (dump) or [-t time] (tidy), then the
// database name, after a spool directory when needSpool is set (Exim's
// utilities, whose options come only before the last two arguments) or
// when two arguments are left (exigo -bdumpdb).
func parseDBArgs(cmd string, args []string, needSpool bool) (dbArgs, bool) {
	var a dbArgs
	end := len(args) - 2 // where options stop
	if !needSpool {
		end = len(args)
	}
	i := 0
	for ; i < end && strings.HasPrefix(args[i], "-"); i++ {
		switch {
		case args[i] == "-z" && cmd == "dumpdb":
			a.utc = true
		case args[i] == "-k" && cmd == "dumpdb":
			a.keys = true
		case args[i] == "-t" && cmd == "tidydb" && i+1 < len(args):
			d, ok := conf.ParseTime(args[i+1])
			if !ok {
				return a, false
			}
			a.keep = d
			i++
		default:
			return a, false
		}
	}
	rest := args[i:]
	switch {
	case len(rest) == 2:
		a.spool, a.name = rest[0], rest[1]
	case len(rest) == 1 && !needSpool:
		a.name = rest[0]
	default:
		return a, false
	}
	return a, true
}

// dbUtility answers as exim_dumpdb or exim_tidydb when exigo is
// installed (linked) under those names: "<spool-directory>
// <database-name>" as Exim's utilities take them, with no configuration.
func dbUtility(prog string, args []string, stdout, stderr io.Writer) (int, bool) {
	var cmd string
	switch prog {
	case "exim_dumpdb":
		cmd = "dumpdb"
	case "exim_tidydb":
		cmd = "tidydb"
	default:
		return 0, false
	}
	a, ok := parseDBArgs(cmd, args[1:], true)
	if !ok {
		dbUsage(stdout, cmd)
		return 1, true
	}
	return runDB(cmd, a, stdout, stderr), true
}

// dbUsage is the utilities' usage text (on standard output, as theirs).
func dbUsage(w io.Writer, cmd string) {
	opts := "[-z] [-k]"
	if cmd == "tidydb" {
		opts = "[-t <time>]"
	}
	fmt.Fprintf(w, "Usage: exim_%s %s  <spool-directory> <database-name>\n", cmd, opts)
	fmt.Fprintf(w, "  <database-name> = retry | misc | wait-<transport-name> | callout | ratelimit | tls | seen\n")
}

func runDB(cmd string, a dbArgs, stdout, stderr io.Writer) int {
	var err error
	if cmd == "dumpdb" {
		err = retry.DumpWith(stdout, a.spool, a.name, retry.DumpOptions{UTC: a.utc, KeysOnly: a.keys, Err: stderr})
	} else {
		err = retry.TidyWith(stdout, a.spool, a.name, retry.TidyOptions{Now: time.Now(), MaxKeep: a.keep})
	}
	if err != nil {
		var missing *fs.PathError
		if err != retry.ErrUsage && err != retry.ErrCorrupt && !errors.As(err, &missing) {
			fmt.Fprintf(stderr, "exigo: %v\n", err)
		}
		return 1
	}
	return 0
}

// hintsDB is -bdumpdb [-z] [-k] [SPOOL] NAME and -btidydb [-t time]
// [SPOOL] NAME: Exim's exim_dumpdb and exim_tidydb, on the
// configuration's spool directory unless one is given.
func (r *run) hintsDB() int {
	a, ok := parseDBArgs(r.opts.HintsCmd, r.opts.Args, false)
	if !ok {
		return r.hintsUsage()
	}
	if a.spool == "" {
		cfg, ok := r.configOrDie()
		if !ok {
			return 1
		}
		a.spool = spoolDir(cfg)
	}
	return runDB(r.opts.HintsCmd, a, r.stdout, r.stderr)
}

func (r *run) hintsUsage() int {
	fmt.Fprintf(r.stderr, "usage: exigo -bdumpdb [-z] [-k] [<spool-directory>] <database-name>\n       exigo -btidydb [-t <time>] [<spool-directory>] <database-name>\n")
	return 1
}
