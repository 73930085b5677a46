// Package cli is exigo's command line: Exim's options, parsed and
// dispatched. cmd/exigo is a thin wrapper so that tests can run it in
// process.
package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"
)

// Version is exigo's own version; Exim compatibility is stated beside it.
const Version = "0.1.0"

// EximVersion is the Exim release whose behaviour exigo follows.
const EximVersion = "4.96"

// run holds the streams of one invocation.
type run struct {
	opts   *Options
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// Main runs exigo with args (args[0] is the program name) and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if rc, ok := dbUtility(progName(args), args, stdout, stderr); ok {
		return rc
	}
	opts, err := parseArgs(args)
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "%s abandoned: %v\n", progName(args), err)
		} else {
			fmt.Fprintf(stderr, "%s: %v\n", progName(args), err)
		}
		return 1
	}
	r := &run{opts: opts, stdin: stdin, stdout: stdout, stderr: stderr}
	switch opts.Mode {
	case ModeHelp:
		return r.help()
	case ModeVersion:
		return r.version()
	case ModeExpand:
		return r.expandMode()
	case ModePrint:
		return r.printOptions()
	case ModeDaemon:
		return r.daemon()
	case ModeSMTP:
		return r.smtpStdio()
	case ModeHostCk:
		return r.hostCheck()
	case ModeQueue:
		return r.queueList()
	case ModeAddrTest, ModeVerify:
		return r.addressTest()
	case ModeRewrite:
		return r.rewriteTest()
	case ModeMessage:
		return r.localMessage()
	case ModeRun:
		return r.queueAction()
	case ModeChild:
		return r.workerMain()
	case ModeHintsDB:
		return r.hintsDB()
	default:
		fmt.Fprintf(stderr, "%s: no action requested (try --help)\n", progName(args))
		return 1
	}
}

func progName(args []string) string {
	if len(args) == 0 || args[0] == "" {
		return "exigo"
	}
	return filepath.Base(args[0])
}

// logStamp is the time prefix Exim puts on errors it also logs.
func logStamp() string { return time.Now().Format("2006-01-02 15:04:05") }

func (r *run) help() int {
	fmt.Fprint(r.stdout, helpText)
	return 0
}

const helpText = `exigo is a mail transfer agent that runs Exim configurations.

Usage: exigo [options] [arguments]

  -C file        use this configuration file instead of the built-in default
  -D NAME=value  define a configuration macro (may be repeated)
  -be [string]   expand each string and print the result; with no string,
                 read lines from standard input
  -bP [option]   print the values of main options (all when none named);
                 also: -bP routers | transports | authenticators | router_list
                 | transport_list | macros | macro NAME | config
  -bt address... show how each address is routed (standard input when no
                 address is given); exit status 2 if one fails, 1 if one
                 cannot be resolved now
  -bv address... verify addresses as recipients (-bvs: as senders)
  -bV            print the version and supported features, and check the
                 configuration (exit status 1 if it has an error)
  -d             write debugging output to standard error
  --help         this text

See the README and Exim's manual (The Exim command line) for details.
`
