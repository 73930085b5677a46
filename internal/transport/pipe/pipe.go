// Package pipe is Exim's pipe transport (manual chapter "The pipe
// transport"): the message is written to a command's standard input; the
// command's exit status decides the outcome. Importing it registers the
// driver.
package pipe

import (
	"fmt"
	"strings"
	"time"

	"exigo/internal/conf"
	"exigo/internal/transport"
)

func init() {
	transport.Register("pipe", New)
	conf.MarkImplemented(conf.KindTransport, "pipe",
		"command", "allow_commands", "restrict_to_path", "use_shell", "path", "environment",
		"umask", "timeout", "timeout_defer", "temp_errors", "ignore_status", "freeze_exec_fail",
		"freeze_signal", "return_output", "return_fail_output", "log_output", "log_fail_output",
		"log_defer_output", "max_output", "message_prefix", "message_suffix", "check_string",
		"escape_string", "use_bsmtp", "use_crlf", "force_command", "batch_max", "permit_coredump")
}

// options are an instance's settings, checked as Exim's
// pipe_transport_init does.
type options struct {
	cmd                        string
	allowCommands              string
	restrictToPath, useShell   bool
	path, environment          string
	umask                      int
	timeout                    time.Duration
	timeoutDefer               bool
	tempErrors                 string
	ignoreStatus               bool
	freezeExecFail             bool
	freezeSignal               bool
	returnOutput, returnFail   bool
	logOutput, logFail         bool
	logDefer                   bool
	maxOutput                  int64
	prefix, suffix             string
	check, escape              string
	escapeHeaders, bsmtp, crlf bool
	forceCommand               bool
	rcptIncludeAffixes         bool
}

// Transport is one pipe instance.
type Transport struct {
	d *conf.Driver
	o options
}

// Local: pipe is a local transport.
func (t *Transport) Local() bool { return true }

// New checks an instance's options and builds it.
func New(d *conf.Driver) (transport.Transport, error) {
	if err := transport.CheckGeneric(d); err != nil {
		return nil, err
	}
	o := options{
		cmd: d.String("command"), allowCommands: d.String("allow_commands"),
		restrictToPath: d.Bool("restrict_to_path"), useShell: d.Bool("use_shell"),
		path: d.String("path"), environment: d.String("environment"), umask: int(d.Int("umask")),
		timeout: d.Time("timeout"), timeoutDefer: d.Bool("timeout_defer"),
		tempErrors: d.String("temp_errors"), ignoreStatus: d.Bool("ignore_status"),
		freezeExecFail: d.Bool("freeze_exec_fail"), freezeSignal: d.Bool("freeze_signal"),
		returnOutput: d.Bool("return_output"), returnFail: d.Bool("return_fail_output"),
		logOutput: d.Bool("log_output"), logFail: d.Bool("log_fail_output"),
		logDefer: d.Bool("log_defer_output"), maxOutput: d.Int("max_output"),
		bsmtp: d.Bool("use_bsmtp"), crlf: d.Bool("use_crlf"), forceCommand: d.Bool("force_command"),
		rcptIncludeAffixes: d.Bool("rcpt_include_affixes"),
	}
	if err := o.validate(d); err != nil {
		return nil, err
	}
	if o.bsmtp {
		o.check, o.escape, o.escapeHeaders = ".", "..", true
		o.prefix, o.suffix = d.String("message_prefix"), d.String("message_suffix")
		if !d.IsSet("message_prefix") {
			o.prefix = ""
		}
		if !d.IsSet("message_suffix") {
			o.suffix = ""
		}
	} else {
		// The table's defaults are Exim's mbox-like prefix and suffix.
		o.prefix, o.suffix = d.String("message_prefix"), d.String("message_suffix")
		o.check, o.escape = d.String("check_string"), d.String("escape_string")
	}
	return &Transport{d: d, o: o}, nil
}

func (o *options) validate(d *conf.Driver) error {
	if d.Bool("pipe_as_creator") && (d.IsSet("user") || d.IsSet("group")) {
		return fmt.Errorf("both pipe_as_creator and an explicit uid/gid are set for the %s transport", d.Name)
	}
	if o.tempErrors != "*" && strings.Trim(o.tempErrors, "0123456789: ") != "" {
		return fmt.Errorf("temp_errors must be a list of numbers or an asterisk for the %s transport", d.Name)
	}
	switch {
	case o.returnOutput && o.returnFail:
		return fmt.Errorf("both return_output and return_fail_output set for %s transport", d.Name)
	case o.logOutput && o.logFail:
		return fmt.Errorf("both log_output and log_fail_output set for the %s transport", d.Name)
	case o.restrictToPath && o.useShell:
		return fmt.Errorf("both restrict_to_path and use_shell set for %s transport", d.Name)
	case o.allowCommands != "" && o.useShell:
		return fmt.Errorf("both allow_commands and use_shell set for %s transport", d.Name)
	}
	return nil
}
