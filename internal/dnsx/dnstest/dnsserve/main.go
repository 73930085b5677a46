// Command dnsserve serves a zone file on an address with package dnstest,
// answering SERVFAIL for the names given after the address. Oracle tests
// (dnslists, dnsdb) run it next to the real Exim inside a network
// namespace, so that both resolve against the same data.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"exigo/internal/dnsx/dnstest"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: dnsserve zonefile addr [servfail-name...]")
		os.Exit(2)
	}
	zone, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv, err := dnstest.Start(string(zone), os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer srv.Close()
	for _, name := range os.Args[3:] {
		srv.SetServFail(name, true)
	}
	fmt.Println("ready")
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	<-c
}
