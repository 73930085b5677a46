package lists

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"exigo/internal/lookup"
)

// hostProbe tests host list items (Exim's check_host).
type hostProbe struct {
	env       *Env
	host      HostID
	ipOnly    bool // match_ip: names can never match
	nameKnown bool // host.Name is set or has been looked up
	nameTried bool
	res       *Result
}

func (p *hostProbe) test(item string) (outcome, error) {
	if item == "*" {
		return matched, nil
	}
	if p.host.Addr == "" {
		return boolOutcome(item == ""), nil
	}
	if item == "" {
		return noMatch, nil
	}
	if item == "@" {
		if p.ipOnly {
			return unknown, errors.New(nullMessage)
		}
		item = p.env.primaryHostname()
	} else if item == "@[]" {
		return boolOutcome(containsString(p.env.localIPs(), p.host.Addr)), nil
	}
	if net, ok := parseIPItem(item); ok {
		return boolOutcome(hostInNet(p.host.Addr, net)), nil
	}
	if looksNumeric(item) {
		return unknown, errors.New("malformed IPv4 address or address mask")
	}
	if oc, err, done := p.ipLookup(item); done {
		return oc, err
	}
	if p.ipOnly {
		return unknown, errors.New("cannot match host name in match_ip list")
	}
	if isPlainHostName(item) {
		return p.byAddress(item)
	}
	return p.byName(item)
}

func boolOutcome(b bool) outcome {
	if b {
		return matched
	}
	return noMatch
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parseIPItem parses an IP address with an optional "/bits" mask.
func parseIPItem(item string) (netip.Prefix, bool) {
	if strings.IndexByte(item, '/') >= 0 {
		p, err := netip.ParsePrefix(item)
		return p, err == nil && p.Addr().Zone() == ""
	}
	a, err := netip.ParseAddr(item)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// hostInNet compares under the mask; an IPv4-mapped IPv6 subject is
// compared as IPv4 with IPv4 networks.
func hostInNet(addr string, net netip.Prefix) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.WithZone("")
	if net.Addr().Is4() {
		a = a.Unmap()
	}
	return a.BitLen() == net.Addr().BitLen() && net.Masked().Contains(a)
}

// looksNumeric catches "1.2.3" and "1.2.3/24": digits and dots only, up
// to the end or to a slash that is not first.
func looksNumeric(item string) bool {
	i := 0
	for i < len(item) && (isDigit(item[i]) || item[i] == '.') {
		i++
	}
	return i == len(item) || item[i] == '/' && i > 0
}

// isPlainHostName: letters, digits, dots, hyphens and underscores only.
func isPlainHostName(item string) bool {
	for i := 0; i < len(item); i++ {
		c := item[i]
		if !isAlnum(c) && c != '.' && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// ipLookup handles "net[N]-type;file" items (and, in match_ip, every
// lookup) keyed by the host's address; done is false for other items.
func (p *hostProbe) ipLookup(item string) (outcome, error, bool) {
	semi := strings.IndexByte(item, ';')
	if semi < 0 {
		return noMatch, nil, false
	}
	bits, typ, isNet := parseNetPrefix(item[:semi])
	if !isNet && !p.ipOnly {
		return noMatch, nil, false
	}
	spec, err := lookup.ParseSpec(typ)
	if err != nil {
		return noMatch, &FatalError{Msg: err.Error()}, true
	}
	if spec.Partial >= 0 || spec.Star || spec.StarAt { // a plain type only
		return noMatch, &FatalError{Msg: fmt.Sprintf("unknown lookup type \"%s\"", typ)}, true
	}
	s := *spec
	arg := strings.TrimLeft(item[semi+1:], " \t\n\v\f\r")
	var res lookup.Result
	if s.Driver.Kind() == lookup.Query {
		res, err = s.Query(arg)
	} else {
		res, err = s.Find(arg, addressKey(p.host.Addr, bits, s.Driver.Name() == "iplsearch"))
	}
	if err != nil && !lookup.IsDefer(err) {
		return noMatch, &FatalError{Msg: err.Error()}, true
	}
	if err != nil || !res.Found {
		oc, err := lookupOutcome(err)
		return oc, err, true
	}
	*p.res = Result{Matched: true, HasData: true, Data: res.Value}
	return matched, nil, true
}

// parseNetPrefix splits "net24-lsearch" into 24 and "lsearch"; bits is
// -1 for plain "net-". isNet is false when there is no such prefix.
func parseNetPrefix(t string) (bits int, typ string, isNet bool) {
	if !strings.HasPrefix(t, "net") {
		return -1, t, false
	}
	i, bits := 3, -1
	for i < len(t) && isDigit(t[i]) {
		bits = max(bits, 0)*10 + int(t[i]-'0')
		i++
	}
	if i >= len(t) || t[i] != '-' {
		return -1, t, false
	}
	return bits, t[i+1:], true
}

// addressKey is the key a net- lookup uses: the address masked to bits
// (with "/bits" appended when given); IPv6 in full, with dots unless the
// lookup is iplsearch; IPv4-mapped addresses as IPv4.
func addressKey(addr string, bits int, colons bool) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap().WithZone("")
	if bits >= 0 {
		if pfx, err := a.Prefix(min(bits, a.BitLen())); err == nil {
			a = pfx.Addr()
		}
	}
	text := a.String()
	if a.Is6() {
		text = fullIPv6(a, colons)
	}
	if bits >= 0 {
		text += fmt.Sprintf("/%d", bits)
	}
	return text
}

func fullIPv6(a netip.Addr, colons bool) string {
	sep := "."
	if colons {
		sep = ":"
	}
	b := a.As16()
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = fmt.Sprintf("%04x", int(b[2*i])<<8|int(b[2*i+1]))
	}
	return strings.Join(groups, sep)
}
