package funcs

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// IsIPAddress is Exim 4.96's string_is_ip_address(): it returns 4 or 6 for
// a textual IPv4 or IPv6 address and 0 otherwise. With allowMask, a
// "/number" suffix is accepted and maskOffset is the index of the "/"
// (0 when there is none). An IPv6 address may carry a "%zone" instead of
// a mask.
func IsIPAddress(s string, allowMask bool) (version, maskOffset int) {
	end := len(s)
	slash := strings.IndexByte(s, '/')
	if slash >= 0 {
		if !allowMask {
			return 0, 0
		}
		if _, ok := strtolAll(s[slash+1:]); !ok {
			return 0, 0
		}
		maskOffset, end = slash, slash
	}
	percent := strings.IndexByte(s, '%')
	if percent >= 0 {
		if slash >= 0 || !zoneOK(s[percent+1:]) {
			return 0, 0
		}
		end = percent
	}
	addr := s[:end]
	v6 := strings.IndexByte(addr, ':') >= 0
	ip, err := netip.ParseAddr(addr)
	if err != nil || ip.Is6() != v6 || (!v6 && percent >= 0) {
		return 0, 0
	}
	if v6 {
		return 6, maskOffset
	}
	return 4, maskOffset
}

// strtolAll is C's strtol(s, &end, 10) with a check that all of s was
// used; a negative value is refused, as Exim refuses a negative mask.
func strtolAll(s string) (int64, bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var n int64
	for ; i < len(s) && isDigit(s[i]); i++ {
		if n < 1<<40 { // saturate: any huge value is simply too big
			n = n*10 + int64(s[i]-'0')
		}
	}
	if i == start {
		return 0, s == ""
	}
	if i != len(s) || (neg && n != 0) {
		return 0, false
	}
	return n, true
}

func zoneOK(zone string) bool {
	for i := 0; i < len(zone); i++ {
		c := zone[i]
		if c <= ' ' || c >= 0x7f { // isalnum || ispunct in the C locale
			return false
		}
	}
	return true
}

// hostAton is Exim's host_aton(): the address (already known to be valid)
// as one int (IPv4) or four (IPv6), most significant byte first. It stops
// at a "%" and, like Exim, reads each part only as far as it is numeric.
func hostAton(s string) []uint32 {
	if strings.IndexByte(s, ':') < 0 {
		return []uint32{ipv4Bits(s)}
	}
	p := s
	if strings.HasPrefix(p, ":") {
		p = p[1:]
	}
	if i := strings.IndexByte(p, '%'); i >= 0 {
		p = p[:i]
	}
	parts, nullAt := splitV6(p)
	want := 8
	var v4 string
	if strings.IndexByte(parts[len(parts)-1], '.') >= 0 {
		v4 = parts[len(parts)-1]
		parts = parts[:len(parts)-1]
		want = 6
	}
	parts = padV6(parts, nullAt, want)
	out := make([]uint32, 4)
	for i := 0; i < want; i += 2 {
		out[i/2] = hexPrefix(parts[i])<<16 + hexPrefix(parts[i+1])
	}
	if v4 != "" {
		out[3] = ipv4Bits(v4)
	}
	return out
}

// splitV6 splits on ":" and reports the index of the last empty part.
func splitV6(p string) ([]string, int) {
	var parts []string
	nullAt := 0
	for p != "" {
		n := strings.IndexByte(p, ':')
		if n < 0 {
			n = len(p)
		}
		if n == 0 {
			nullAt = len(parts)
		}
		parts = append(parts, p[:n])
		p = p[n:]
		if p != "" {
			p = p[1:]
		}
	}
	if len(parts) == 0 {
		parts = []string{""}
	}
	return parts, nullAt
}

// padV6 inserts empty parts after nullAt until there are want of them.
func padV6(parts []string, nullAt, want int) []string {
	if len(parts) >= want {
		return parts[:want]
	}
	out := make([]string, want)
	copy(out, parts)
	insert := want - len(parts)
	i := want - 1
	for ; i > nullAt+insert; i-- {
		out[i] = out[i-insert]
	}
	for ; i > nullAt; i-- {
		out[i] = ""
	}
	return out
}

// hexPrefix is strtol(s, NULL, 16) for the short parts of an address.
func hexPrefix(s string) uint32 {
	var n uint32
	for i := 0; i < len(s) && isXDigit(s[i]); i++ {
		n = n<<4 | uint32(digitValue(s[i]))
	}
	return n & 0xffff
}

// ipv4Bits is sscanf("%d.%d.%d.%d") packed into 32 bits.
func ipv4Bits(s string) uint32 {
	var x [4]uint32
	for i, f := range strings.SplitN(s, ".", 4) {
		n := 0
		for j := 0; j < len(f) && isDigit(f[j]); j++ {
			n = n*10 + int(f[j]-'0')
		}
		x[i] = uint32(n)
	}
	return x[0]<<24 + x[1]<<16 + x[2]<<8 + x[3]
}

// applyMask keeps the top bits of the address, as host_mask() does.
func applyMask(bin []uint32, bits int) {
	for i := range bin {
		switch {
		case bits <= 0:
			bin[i] = 0
		case bits < 32:
			bin[i] &= ^uint32(0) << (32 - bits)
			bits = 0
		default:
			bits -= 32
		}
	}
}

// nmtoa is host_nmtoa(): dotted IPv4, or IPv6 as eight four-digit hex
// groups joined by sep; "/mask" appended when mask >= 0.
func nmtoa(bin []uint32, mask int, sep byte) string {
	var b strings.Builder
	if len(bin) == 1 {
		fmt.Fprintf(&b, "%d.%d.%d.%d", bin[0]>>24, bin[0]>>16&255, bin[0]>>8&255, bin[0]&255)
	} else {
		for i, w := range bin {
			if i > 0 {
				b.WriteByte(sep)
			}
			fmt.Fprintf(&b, "%04x%c%04x", w>>16, sep, w&0xffff)
		}
	}
	if mask >= 0 {
		b.WriteString("/" + strconv.Itoa(mask))
	}
	return b.String()
}

// ipv6Compressed is ipv6_nmtoa(): the longest run of zero groups (the
// first of equal runs, even a single group) becomes "::". As in Exim, an
// all-zero address comes out as ":".
func ipv6Compressed(bin []uint32) string {
	groups := make([]string, 8)
	for i, w := range bin {
		groups[2*i] = strconv.FormatUint(uint64(w>>16), 16)
		groups[2*i+1] = strconv.FormatUint(uint64(w&0xffff), 16)
	}
	start, length := -1, 0
	for i := 0; i < 8; {
		if groups[i] != "0" {
			i++
			continue
		}
		j := i
		for j < 8 && groups[j] == "0" {
			j++
		}
		if j-i > length {
			start, length = i, j-i
		}
		i = j
	}
	if start < 0 {
		return strings.Join(groups, ":")
	}
	head := strings.Join(groups[:start], ":")
	tail := strings.Join(groups[start+length:], ":")
	switch {
	case start == 0 && tail == "":
		return ":"
	case start == 0:
		return "::" + tail
	}
	return head + "::" + tail
}
