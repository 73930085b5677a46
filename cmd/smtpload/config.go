package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// config holds the parsed command line.
type config struct {
	addr       string
	conc       int
	total      int
	perConn    int // 0: every message on one connection per worker
	size       int
	from       string
	rcpts      []string
	ehlo       string
	pipelining bool
	timeout    time.Duration
	maxErrors  int
	json       bool
	idle       int
	hold       time.Duration
}

var errHelp = errors.New("help requested")

const usageLine = "usage: smtpload [-addr HOST:PORT] [-c CONNS] [-n MSGS] [-m PER_CONN] [-s BYTES] [-from ADDR] [-to ADDR,...] [-ehlo NAME] [-pipelining] [-timeout D] [-max-errors N] [-json] | -idle N [-hold D]"

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	var to string
	fs := flag.NewFlagSet("smtpload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:2525", "SMTP server HOST:PORT")
	fs.IntVar(&c.conc, "c", 8, "concurrent connections")
	fs.IntVar(&c.total, "n", 1000, "messages to send in total")
	fs.IntVar(&c.perConn, "m", 10, "messages per connection, then QUIT and reconnect (0: all on one connection)")
	fs.IntVar(&c.size, "s", 4096, "message size in bytes, headers included, before dot-stuffing")
	fs.StringVar(&c.from, "from", "smtpload@localhost", "envelope sender (empty for <>)")
	fs.StringVar(&to, "to", "postmaster@localhost", "comma-separated envelope recipients")
	fs.StringVar(&c.ehlo, "ehlo", "smtpload.localhost", "EHLO name")
	fs.BoolVar(&c.pipelining, "pipelining", false, "send MAIL, RCPT and DATA in one write when the server offers PIPELINING")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "limit for connecting and for each reply")
	fs.IntVar(&c.maxErrors, "max-errors", 100, "stop after this many connection errors")
	fs.BoolVar(&c.json, "json", false, "print the summary as one JSON object")
	fs.IntVar(&c.idle, "idle", 0, "open N connections, EHLO, hold them idle for -hold, print how many are open")
	fs.DurationVar(&c.hold, "hold", 30*time.Second, "how long -idle holds its connections")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return c, errHelp
		}
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c.rcpts = splitRecipients(to)
	return c, c.validate()
}

func (c config) validate() error {
	switch {
	case c.conc < 1:
		return errors.New("-c must be at least 1")
	case c.total < 0 || c.perConn < 0 || c.size < 0 || c.idle < 0:
		return errors.New("-n, -m, -s and -idle must not be negative")
	case len(c.rcpts) == 0:
		return errors.New("-to needs at least one recipient")
	case c.timeout <= 0:
		return errors.New("-timeout must be positive")
	case c.maxErrors < 1:
		return errors.New("-max-errors must be at least 1")
	}
	return nil
}

func splitRecipients(s string) []string {
	var out []string
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}
