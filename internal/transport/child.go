package transport

import (
	"os"
	"os/exec"

	"exigo/internal/item"
)

// StartPiped starts cmd as Exim's child_open does: its standard input
// from one pipe, its standard output and error together into another.
// It returns our ends, in to write to and out to read from. err is a
// failure to make the pipes (nothing is left open); startErr a command
// that could not be started, with in and out still open for the caller
// to close.
func StartPiped(cmd *exec.Cmd) (in, out *os.File, startErr, err error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, nil, nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, nil, nil, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, outW
	startErr = cmd.Start()
	inR.Close()
	outW.Close()
	return inW, outR, startErr, nil
}

// WorkDir is where a local delivery's commands run (Exim's working
// directory for the delivery process): the router's
// transport_current_directory, else the home directory, else "/".
func WorkDir(a *item.Address) string {
	switch {
	case a.CurrentDir != "":
		return a.CurrentDir
	case a.Home != "":
		return a.Home
	}
	return "/"
}
