package acl

import (
	"fmt"
	"net/netip"
	"strings"
)

// invertAddress is the DNS list form of an IP address: IPv4 octets
// reversed, IPv6 as 32 reversed nibbles, without the trailing dot. An
// IPv4 address mapped as "::ffff:a.b.c.d" is treated as IPv4 (Exim
// looks for that prefix exactly, in lower case).
func invertAddress(addr string) string {
	addr = strings.TrimPrefix(addr, "::ffff:")
	if v4, ok := parseIPv4(addr); ok {
		return fmt.Sprintf("%d.%d.%d.%d", v4[3], v4[2], v4[1], v4[0])
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	b := ip.As16()
	var out strings.Builder
	for i := 15; i >= 0; i-- {
		fmt.Fprintf(&out, "%x.%x.", b[i]&15, b[i]>>4)
	}
	return strings.TrimSuffix(out.String(), ".")
}

// parseIPv4 reads a dotted quad as Exim's string_is_ip_address accepts
// it: four numbers of one to three digits, each at most 255 (leading
// zeros allowed, unlike netip).
func parseIPv4(s string) ([4]byte, bool) {
	var out [4]byte
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return out, false
	}
	for i, p := range parts {
		if len(p) == 0 || len(p) > 3 {
			return out, false
		}
		n := 0
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return out, false
			}
			n = n*10 + int(p[j]-'0')
		}
		if n > 255 {
			return out, false
		}
		out[i] = byte(n)
	}
	return out, true
}

// isIPAddress says whether a dnslists key is an address (to be inverted)
// rather than a name.
func isIPAddress(s string) bool {
	if _, ok := parseIPv4(s); ok {
		return true
	}
	if !strings.Contains(s, ":") || strings.Contains(s, "%") {
		return false
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

func isWordChar(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// strangeDomain reports characters Exim warns about in a list's domain.
func strangeDomain(d string) bool {
	for i := 0; i < len(d); i++ {
		if !isWordChar(d[i]) && d[i] != '-' && d[i] != '.' {
			return true
		}
	}
	return false
}
