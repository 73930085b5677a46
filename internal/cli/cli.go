// Package cli is exigo's command line: Exim's options, parsed and
// dispatched. cmd/exigo is a thin wrapper so that tests can run it in
// process.
package cli

import "io"

// Main runs exigo with args (args[0] is the program name) and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return 0
}
