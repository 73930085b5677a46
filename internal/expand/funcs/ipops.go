package funcs

import (
	"fmt"
	"strconv"
	"strings"
)

// Mask is ${mask:ip/bits}: the address with bits beyond the mask cleared,
// IPv4 as 192.168.3.0/24 and IPv6 as eight dot-separated four-digit hex
// groups (Exim uses dots so the result can be an lsearch key).
func Mask(s string) (string, error) { return MaskWith(s, false) }

// MaskWith is ${mask:} and, with normalise, ${mask_n:}, which writes IPv6
// results in the compressed colon form (IPv4 is the same either way).
func MaskWith(s string, normalise bool) (string, error) {
	version, off := IsIPAddress(s, true)
	if version == 0 {
		return "", failf("\"%s\" is not an IP address", s)
	}
	if off == 0 {
		return "", failf("missing mask value in \"%s\"", s)
	}
	bits, ok := strtolAll(s[off+1:])
	if !ok || (version == 4 && bits > 32) || bits > 128 {
		return "", failf("mask value too big in \"%s\"", s)
	}
	bin := hostAton(s[:off])
	applyMask(bin, int(bits))
	if version == 6 && normalise {
		return fmt.Sprintf("%s/%d", ipv6Compressed(bin), bits), nil
	}
	return nmtoa(bin, int(bits), '.'), nil
}

// v6Binary is the address as four ints, IPv4 mapped into IPv6.
func v6Binary(s string) ([]uint32, error) {
	switch version, _ := IsIPAddress(s, false); version {
	case 6:
		return hostAton(s), nil
	case 4:
		return []uint32{0, 0, 0xffff, hostAton(s)[0]}, nil
	}
	return nil, failf("\"%s\" is not an IP address", s)
}

// IPv6Norm is ${ipv6norm:}: the compressed IPv6 form; IPv4 is mapped.
func IPv6Norm(s string) (string, error) {
	bin, err := v6Binary(s)
	if err != nil {
		return "", err
	}
	return ipv6Compressed(bin), nil
}

// IPv6Denorm is ${ipv6denorm:}: all eight groups, four digits each.
func IPv6Denorm(s string) (string, error) {
	bin, err := v6Binary(s)
	if err != nil {
		return "", err
	}
	return nmtoa(bin, -1, ':'), nil
}

// ReverseIP is ${reverse_ip:}: IPv4 octets reversed, IPv6 as reversed
// nibbles, both dot-separated without a trailing dot. A "::ffff:" mapped
// address is treated as IPv4; a mask is accepted and ignored.
func ReverseIP(s string) (string, error) {
	if version, _ := IsIPAddress(s, true); version == 0 {
		return "", failf("reverse_ip() not given an IP address [%s]", s)
	}
	addr := strings.TrimPrefix(s, "::ffff:")
	bin := hostAton(addr)
	var parts []string
	if len(bin) == 1 {
		for x, i := bin[0], 0; i < 4; i, x = i+1, x>>8 {
			parts = append(parts, strconv.Itoa(int(x&255)))
		}
		return strings.Join(parts, "."), nil
	}
	for j := 3; j >= 0; j-- {
		for x, i := bin[j], 0; i < 8; i, x = i+1, x>>4 {
			parts = append(parts, strconv.FormatUint(uint64(x&15), 16))
		}
	}
	return strings.Join(parts, "."), nil
}
