package transport

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand/funcs"
	"exigo/internal/item"
	"exigo/internal/syserr"
)

// A transport's output (what a pipe command writes) goes to Exim's
// "return file": a file the delivery process creates in the message log
// directory before the delivery and hands to the transport open (to a
// worker process with the -D file), named after the message, the
// process and a counter. After the delivery the delivery process logs
// its first line and keeps it for the failure report, or removes it.

// KeepsOutput: the transport's options ask for its output to be kept
// (return_output, return_fail_output, log_output, log_fail_output,
// log_defer_output).
func KeepsOutput(d *conf.Driver) bool {
	if d == nil {
		return false
	}
	for _, o := range []string{"return_output", "return_fail_output", "log_output", "log_fail_output", "log_defer_output"} {
		if d.Bool(o) {
			return true
		}
	}
	return false
}

// ReturnFileName is Exim's name for the n-th return file this process
// makes for a message: msglog/<id>-<pid>-<n> beside the message log.
func ReturnFileName(msglog string, pid, n int) string {
	return fmt.Sprintf("%s-%d-%d", msglog, pid, n)
}

// CreateReturnFile creates (or opens for appending) a return file,
// readable only by its owner, as Exim's open_msglog_file does; a missing
// msglog subdirectory is made.
func CreateReturnFile(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o400)
	if os.IsNotExist(err) {
		if os.MkdirAll(filepath.Dir(name), 0o750) == nil {
			f, err = os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o400)
		}
	}
	return f, err
}

// bigBuffer is Exim's big_buffer_size: fgets reads one byte less.
const bigBuffer = 16384

// HandleOutput does after a delivery what Exim's post_process_one does
// with the return file a.ReturnFile (f is its open descriptor, closed
// here): when the command wrote something, the first line is to be
// logged (returned as logLine) under log_output, or log_fail_output and
// log_defer_output for those outcomes; with a sender or errors_to to
// tell, return_output makes any output a failure and keeps the file for
// the report, return_fail_output keeps it for a failure. A file not kept
// is removed and a.ReturnFile cleared.
func HandleOutput(d *conf.Driver, a *item.Address, f *os.File, sender string) (logLine string) {
	keep := false
	f.Sync()
	st, err := f.Stat()
	f.Close()
	if err == nil && st.Size() > 0 {
		if d.Bool("log_output") || (a.Result == item.Fail && d.Bool("log_fail_output")) ||
			(a.Result == item.Defer && d.Bool("log_defer_output")) {
			logLine = firstLine(a.ReturnFile, a.Address, d.Name)
		}
		if sender != "" || a.ErrorsTo != "" {
			switch {
			case d.Bool("return_output"):
				a.Result, keep = item.Fail, true
				if a.BasicErrno == 0 && a.Message == "" {
					a.Message = "return message generated"
				}
			case d.Bool("return_fail_output") && a.Result == item.Fail:
				keep = true
			}
		}
	}
	if !keep {
		os.Remove(a.ReturnFile)
		a.ReturnFile = ""
	}
	return logLine
}

// firstLine is the log line for the file's first line: trailing white
// space dropped, non-printing characters escaped.
func firstLine(name, addr, transport string) string {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Sprintf("failed to open %s to log output from %s transport: %s", name, transport, syserr.Of(err))
	}
	defer f.Close()
	line, err := bufio.NewReaderSize(f, bigBuffer).ReadSlice('\n')
	if len(line) == 0 && err != nil {
		return ""
	}
	if len(line) > bigBuffer-1 {
		line = line[:bigBuffer-1]
	}
	s := strings.TrimRight(string(line), " \t\n\v\f\r")
	return fmt.Sprintf("<%s>: %s transport output: %s", addr, transport, funcs.Printing(s, true, false))
}
