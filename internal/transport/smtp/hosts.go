package smtp

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/lists"
)

// host is one entry of the host list being tried.
type host struct {
	item.Host
	unusable        bool // its address lookup failed, or it deferred
	unusableExpired bool // unusable, and past its retry cutoff
	lastTry         time.Time
}

// hostList picks the hosts: the router's, or the transport's own when
// the router gave none or hosts_override is set. ok is false when the
// addresses have been settled (with Exim's PANIC/DEFER and message).
func (d *delivery) hostList() ([]*host, bool) {
	first := d.first().a
	routerHosts := first.Hosts
	if len(routerHosts) > 0 && !(d.o.hostsOverride && d.o.hosts.set) {
		return d.routerHosts(routerHosts), true
	}
	if !d.o.hosts.set {
		d.settleAll(stPanic, fmt.Sprintf("%s transport called with no hosts set", d.t.name))
		return nil, false
	}
	text := d.o.hosts.text
	if strings.IndexByte(text, '$') >= 0 {
		v, tainted, err := d.ctx.ExpandTaint(text)
		if err != nil {
			d.settleAll(stPanic, fmt.Sprintf("failed to expand list of hosts \"%s\" in %s transport: %s",
				text, d.t.name, err))
			return nil, false
		}
		if tainted {
			d.logPanic(fmt.Sprintf("attempt to use tainted host list '%s' from '%s' in transport %s", v, text, d.t.name))
			d.settleAll(stPanic, "internal configuration error")
			return nil, false
		}
		text = v
	}
	hosts := buildHostList(text, d.o.hostsRandomize)
	if len(hosts) == 0 {
		d.settleAll(stPanic, fmt.Sprintf("%s transport has empty hosts setting", d.t.name))
		return nil, false
	}
	return hosts, true
}

// settleAll gives every address the status and message: Exim sets the
// first address's when a transport returns FALSE and the others copy it.
func (d *delivery) settleAll(st status, msg string) {
	for _, r := range d.rcpts {
		r.st, r.a.Message = st, msg
	}
}

func (d *delivery) logPanic(text string) {
	if d.env.Log != nil {
		d.env.Log.Panic(d.msgID(), text)
	}
}

// routerHosts copies the router's hosts; hosts_randomize shuffles them
// when they did not come from MX records.
func (d *delivery) routerHosts(hs []item.Host) []*host {
	out := make([]*host, len(hs))
	for i, h := range hs {
		out[i] = &host{Host: h}
	}
	if d.o.hostsRandomize && len(out) > 0 && out[0].MX < 0 {
		shuffle(out)
	}
	return out
}

// buildHostList is host_build_hostlist: a colon list of names or IP
// addresses (a port may follow after a colon, doubled in the list, or
// "[address]:port"), optionally in random order.
func buildHostList(text string, randomize bool) []*host {
	var out []*host
	for _, name := range lists.Split(text) {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		out = append(out, &host{Host: item.Host{Name: name, MX: -1}})
	}
	if randomize {
		shuffle(out)
	}
	return out
}

// shuffle orders hosts by a random sort key (Exim uses random_number(100)
// and a stable insertion, so equal keys keep their order).
func shuffle(hs []*host) {
	keys := make(map[*host]int, len(hs))
	for _, h := range hs {
		keys[h] = rand.IntN(100)
	}
	sort.SliceStable(hs, func(i, j int) bool { return keys[hs[i]] < keys[hs[j]] })
}

// splitPort is host_item_get_port: "name:port" or "[address]:port" give
// the name and the port; anything else has no port (0).
func splitPort(name string) (string, int) {
	i := strings.LastIndexByte(name, ':')
	if i < 1 || i == len(name)-1 || len(name) < 3 {
		return name, 0
	}
	port, err := strconv.Atoi(name[i+1:])
	if err != nil || port < 0 {
		return name, 0
	}
	base := name[:i]
	if strings.HasPrefix(base, "[") && strings.HasSuffix(base, "]") {
		return base[1 : len(base)-1], port
	}
	if strings.Contains(base, ":") {
		return name, 0 // a bare IPv6 address: its last group is no port
	}
	return base, port
}

// lookup finds the addresses of a host named without one. Extra
// addresses become extra hosts after it. errKind is "" when found,
// "temp" or "fail" otherwise.
func (d *delivery) lookup(hosts []*host, i int) ([]*host, string) {
	h := hosts[i]
	name, port := splitPort(h.Name)
	h.Name, h.Port = name, port
	if a, err := netip.ParseAddr(name); err == nil {
		h.Address = a.Unmap().String()
		return hosts, ""
	}
	addrs, err := d.hostAddrs(name)
	if err != nil {
		if lists.IsDefer(err) {
			return hosts, "temp"
		}
		return hosts, "fail"
	}
	if len(addrs) == 0 {
		return hosts, "fail"
	}
	h.Address = addrs[0]
	extra := make([]*host, 0, len(addrs)-1)
	for _, a := range addrs[1:] {
		extra = append(extra, &host{Host: item.Host{Name: name, Address: a, Port: port, MX: h.MX}})
	}
	out := append([]*host{}, hosts[:i+1]...)
	out = append(out, extra...)
	return append(out, hosts[i+1:]...), ""
}

// hostAddrs looks a name up in the DNS (A, then AAAA) through the
// configured resolver; without one nothing is found.
func (d *delivery) hostAddrs(name string) ([]string, error) {
	if d.env.Ctx == nil || d.env.Ctx.Lists == nil || d.env.Ctx.Lists.Resolver == nil {
		return nil, fmt.Errorf("no resolver")
	}
	return d.env.Ctx.Lists.HostAddrs(name)
}

// isLocalAddress tells whether an address is one of this machine's, as
// Exim's host_find_byname does before it lets a transport talk to it.
func isLocalAddress(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	if a.IsLoopback() {
		return true
	}
	ifs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, ia := range ifs {
		if p, err := netip.ParsePrefix(ia.String()); err == nil && p.Addr().Unmap() == a.Unmap() {
			return true
		}
	}
	return false
}

// defaultPort is smtp_get_port: the expanded port option, a number or a
// service name.
func (d *delivery) defaultPort() (int, string) {
	s, err := d.expand(d.o.port.text)
	if err != nil {
		return 0, fmt.Sprintf("failed to expand \"%s\" (\"port\" option) for %s transport: %s",
			d.o.port.text, d.t.name, err)
	}
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		n, err := strconv.ParseInt(s, 0, 32)
		if err != nil {
			return 0, fmt.Sprintf("invalid port number for %s transport: %s", d.t.name, s)
		}
		return int(n), ""
	}
	if p, ok := wellKnownPorts[s]; ok {
		return p, ""
	}
	p, err := net.LookupPort("tcp", s)
	if err != nil {
		return 0, fmt.Sprintf("TCP port \"%s\" is not defined for %s transport", s, d.t.name)
	}
	return p, ""
}

// wellKnownPorts spares a read of /etc/services for the usual names.
var wellKnownPorts = map[string]int{"smtp": 25, "smtps": 465, "submission": 587, "submissions": 465, "lmtp": 24}

// outgoingInterface is smtp_get_interface: the first address of the
// expanded interface list in the host's family; "" for any.
func outgoingInterface(ctx *expand.Context, text string, set bool, hostAddr, tname string) (string, string) {
	if !set || text == "" {
		return "", ""
	}
	v, tainted, err := ctx.ExpandTaint(text)
	if err != nil {
		if expand.IsForcedFail(err) {
			return "", ""
		}
		return "", fmt.Sprintf("failed to expand \"interface\" option for %s transport: %s", tname, err)
	}
	if tainted {
		return "", fmt.Sprintf("failed to expand \"interface\" option for %s transport: configuration error", tname)
	}
	v6 := strings.Contains(hostAddr, ":")
	for _, iface := range lists.Split(strings.TrimSpace(v)) {
		if _, err := netip.ParseAddr(iface); err != nil {
			return "", fmt.Sprintf("\"%s\" is not a valid IP address for the \"interface\" option for %s transport", iface, tname)
		}
		if strings.Contains(iface, ":") == v6 {
			return iface, ""
		}
	}
	return "", ""
}
