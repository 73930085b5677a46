// Command exigo is a mail transfer agent that runs Exim configurations.
package main

import (
	"os"

	"exigo/internal/cli"
)

func main() {
	stop := startProfiles()
	rc := cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(rc)
}
