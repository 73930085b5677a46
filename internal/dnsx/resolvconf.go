package dnsx

import (
	"bufio"
	"net"
	"os"
	"strings"
)

// readResolvConf reads /etc/resolv.conf, used only when exigo is given
// no servers: the nameserver lines (port 53) and the last search or
// domain line, as the resolver library takes them. Nothing is read when
// the system resolver is forbidden (NoSystemResolverEnv).
func readResolvConf() (servers, search []string) {
	if os.Getenv(NoSystemResolverEnv) != "" {
		return nil, nil
	}
	f, err := os.Open("/etc/resolv.conf")
	if err != nil {
		return nil, nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "nameserver":
			servers = append(servers, net.JoinHostPort(fields[1], "53"))
		case "search", "domain":
			search = nil
			for _, d := range fields[1:] {
				search = append(search, strings.TrimSuffix(d, "."))
			}
		}
	}
	return servers, search
}
