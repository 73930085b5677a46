// Command smtpload is a load generator for SMTP servers, used to benchmark
// exigo against Exim 4.96 and Postfix on loopback. It sends -n messages over
// -c concurrent connections and prints counts, throughput and the latency of
// the end-of-data reply; with -idle it instead holds N idle sessions open so
// that the server's memory per connection can be measured.
//
// Its figures are meant to be comparable with /work/shared/bench/loadgen:
// the end-of-data latency is taken the same way ("." flushed → reply read),
// percentiles use the same rank rule and the JSON field names overlap.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(runMain(os.Args[1:], os.Stdout, os.Stderr))
}

// runMain parses the flags, runs the chosen mode and returns the exit
// status: 0 when every message was accepted (or every idle connection
// opened), 1 otherwise, 2 for bad usage.
func runMain(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if err != errHelp {
			fmt.Fprintln(stderr, "smtpload:", err)
		}
		return 2
	}
	if cfg.idle > 0 {
		res := runIdle(cfg, stderr)
		if err := writeIdle(stdout, res, cfg.json); err != nil {
			return 1
		}
		return boolStatus(res.Opened == cfg.idle)
	}
	res := runLoad(cfg)
	if err := writeResult(stdout, res, cfg.json); err != nil {
		return 1
	}
	return boolStatus(res.Accepted == int64(cfg.total))
}

func boolStatus(ok bool) int {
	if ok {
		return 0
	}
	return 1
}
