// Command testdns serves the expansion goldens' peers for
// scripts/record-goldens: the DNS zone (with ";servfail" markers) and the
// readsocket echo servers on a unix socket and a TCP port, until killed.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"exigo/scripts/testdns/testenv"
)

func main() {
	zone := flag.String("zone", "testdata/expand/zone.txt", "zone file")
	addr := flag.String("addr", "127.0.0.1:53", "DNS listen address")
	unix := flag.String("unix", "", "unix socket path for the echo server")
	tcp := flag.String("tcp", "", "TCP address for the echo server")
	flag.Parse()
	srv, err := testenv.StartDNS(*zone, *addr)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	listen("unix", *unix)
	listen("tcp", *tcp)
	fmt.Println("ready", srv.Addr) // the recorder waits for this line
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
}

func listen(network, addr string) {
	if addr == "" {
		return
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		log.Fatal(err)
	}
	go testenv.ServeEcho(l)
}
