package dnsx

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// NoSystemResolverEnv, when set to a non-empty value, forbids falling back
// to /etc/resolv.conf. Test runs set it so that nothing ever queries the
// machine's own resolver by accident.
const NoSystemResolverEnv = "EXIGO_NO_SYSTEM_RESOLVER"

// ServersEnv holds resolver addresses (comma-separated) used when the
// configuration sets no dns_servers.
const ServersEnv = "EXIGO_DNS_SERVERS"

// ParseServer accepts "ip", "ip.port" (Exim's local_interfaces style),
// "ip:port" and "[ip]:port", and returns "host:port".
func ParseServer(s string) (string, error) {
	s = strings.TrimSpace(s)
	if host, port, err := net.SplitHostPort(s); err == nil {
		if _, err := netip.ParseAddr(host); err == nil {
			return net.JoinHostPort(host, port), nil
		}
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return net.JoinHostPort(a.String(), "53"), nil
	}
	if i := strings.LastIndexByte(s, '.'); i > 0 {
		if a, err := netip.ParseAddr(s[:i]); err == nil {
			if p, err := strconv.Atoi(s[i+1:]); err == nil && p > 0 && p < 65536 {
				return net.JoinHostPort(a.String(), s[i+1:]), nil
			}
		}
	}
	return "", fmt.Errorf("malformed DNS server address %q", s)
}

// ParseServers applies ParseServer to each item.
func ParseServers(items []string) ([]string, error) {
	var out []string
	for _, it := range items {
		if strings.TrimSpace(it) == "" {
			continue
		}
		a, err := ParseServer(it)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// ServersFromEnv reads ServersEnv.
func ServersFromEnv() ([]string, error) {
	v := os.Getenv(ServersEnv)
	if v == "" {
		return nil, nil
	}
	return ParseServers(strings.Split(v, ","))
}
