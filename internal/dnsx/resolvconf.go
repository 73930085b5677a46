package dnsx

import (
	"bufio"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

const resolvConfPath = "/etc/resolv.conf"

// readResolvConf reads /etc/resolv.conf, used only when exigo is given
// no servers: the nameserver lines (port 53) and the last search or
// domain line, as the resolver library takes them. Nothing is read when
// the system resolver is forbidden (NoSystemResolverEnv).
func readResolvConf() (servers, search []string) {
	if os.Getenv(NoSystemResolverEnv) != "" {
		return nil, nil
	}
	return resolvConf.read(resolvConfPath)
}

// resolvConf keeps the file's last reading: it is consulted for every
// query (and every search list) when no servers are configured. Like the
// resolver library, a file that changed is read again.
var resolvConf resolvConfCache

type resolvConfCache struct {
	mu              sync.Mutex
	path            string
	size            int64
	mtime           time.Time
	servers, search []string
}

// read returns path's settings, parsing the file only when its size or
// modification time differ from the last reading's. The slices are
// shared: callers must not change them.
func (c *resolvConfCache) read(path string) (servers, search []string) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.path != path || c.size != st.Size() || !c.mtime.Equal(st.ModTime()) {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil
		}
		defer f.Close()
		c.servers, c.search = parseResolvConf(f)
		c.path, c.size, c.mtime = path, st.Size(), st.ModTime()
	}
	return c.servers[:len(c.servers):len(c.servers)], c.search[:len(c.search):len(c.search)]
}

func parseResolvConf(r io.Reader) (servers, search []string) {
	sc := bufio.NewScanner(r)
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
