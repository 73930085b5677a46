// Package testenv starts the loopback servers that the expansion goldens
// need: a DNS server for dnsdb and a small socket server for readsocket.
// The recorder (scripts/record-goldens, through scripts/testdns) and the Go
// golden test use the same code so that Exim and exigo see the same peers.
package testenv

import (
	"bufio"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"exigo/internal/dnsx/dnstest"
)

// ServFailMarker starts a zone-file comment naming a name that must answer
// SERVFAIL (zone files have no syntax for that): ";servfail name."
const ServFailMarker = ";servfail "

// StartDNS serves the zone file at addr ("" for a free loopback port).
func StartDNS(zoneFile, addr string) (*dnstest.Server, error) {
	text, err := os.ReadFile(zoneFile)
	if err != nil {
		return nil, err
	}
	srv, err := dnstest.Start(string(text), addr)
	if err != nil {
		return nil, err
	}
	for _, name := range ServFailNames(string(text)) {
		srv.SetServFail(name, true)
	}
	return srv, nil
}

// ServFailNames lists the names marked with ServFailMarker, lower-cased.
func ServFailNames(zone string) []string {
	var names []string
	for _, line := range strings.Split(zone, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), ServFailMarker); ok {
			names = append(names, strings.ToLower(strings.TrimSpace(rest)))
		}
	}
	return names
}

// ServeEcho answers each connection on l: it reads the request until the
// peer shuts down its side (or goes quiet for a moment) and replies with a
// text derived from it, then closes. Requests: "multi" gives two lines,
// "silent" gives nothing, anything else "echo[<request>]".
func ServeEcho(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go answer(c)
	}
}

func answer(c net.Conn) {
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	req, _ := io.ReadAll(bufio.NewReader(c))
	c.SetWriteDeadline(time.Now().Add(2 * time.Second))
	switch string(req) {
	case "multi":
		io.WriteString(c, "line one\nline two\n")
	case "silent":
	default:
		io.WriteString(c, "echo["+string(req)+"]")
	}
}
