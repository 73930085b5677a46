package lookup

import (
	"fmt"
	"strings"

	"exigo/internal/dnsx"

	"github.com/miekg/dns"
)

// fieldSep is the separator between the fields of one record: the one the
// query gave, else the type's default ("" for spf, " " for mx, srv and
// tlsa); nil for txt means "first string only" and for soa "mname only".
func (r *dnsdbRun) fieldSep() *string {
	if r.q.fieldSep != nil {
		return r.q.fieldSep
	}
	var s string
	switch r.q.typ {
	case "spf":
		s = ""
	case "mx", "srv", "tlsa":
		s = " "
	default:
		return nil
	}
	return &s
}

// format appends the records of type qtype in ans to the output.
func (r *dnsdbRun) format(ans *dnsx.Answer, qtype uint16, domain, found string) {
	for _, rr := range ans.RRs {
		if rr.Header().Rrtype != qtype {
			continue
		}
		text, ok := r.recordText(rr, domain, found)
		if !ok {
			continue
		}
		r.ttl = min(r.ttl, rr.Header().Ttl)
		if r.any {
			r.out.WriteByte(r.q.outSep)
		}
		r.out.WriteString(text)
		r.any = r.any || r.out.Len() > 0
	}
}

// recordText renders one record; ok is false for records Exim skips.
func (r *dnsdbRun) recordText(rr dns.RR, domain, found string) (string, bool) {
	sep := r.fieldSep()
	fs := ""
	if sep != nil {
		fs = *sep
	}
	fc := firstByte(fs)
	switch v := rr.(type) {
	case *dns.A:
		return v.A.String(), true
	case *dns.AAAA:
		return v.AAAA.String(), true
	case *dns.TXT:
		return joinTxt(v.Txt, sep), true
	case *dns.SPF:
		return joinTxt(v.Txt, sep), true
	case *dns.MX:
		if r.q.typ == "mxh" {
			return hostName(v.Mx), true
		}
		return fmt.Sprintf("%d%s%s", v.Preference, fc, hostName(v.Mx)), true
	case *dns.SRV:
		if r.q.typ == "csa" {
			return csaText(v, domain, found)
		}
		return fmt.Sprintf("%d%s%d%s%d%s%s", v.Priority, fc, v.Weight, fc, v.Port, fc, hostName(v.Target)), true
	case *dns.TLSA:
		return fmt.Sprintf("%d%s%d%s%d%s%s", v.Usage, fc, v.Selector, fc, v.MatchingType, fc, strings.ToLower(v.Certificate)), true
	case *dns.SOA:
		return soaText(v, sep), true
	case *dns.NS:
		return hostName(v.Ns), true
	case *dns.CNAME:
		return hostName(v.Target), true
	case *dns.PTR:
		return hostName(v.Ptr), true
	}
	return "", false
}

// firstByte is the separator character Exim uses (only the first one counts).
func firstByte(s string) string {
	if s == "" {
		return ""
	}
	return s[:1]
}

// hostName is a domain name as dn_expand prints it: no final dot.
func hostName(fqdn string) string { return strings.TrimSuffix(fqdn, ".") }

// joinTxt gives the first string only, or all of them joined by sep.
func joinTxt(parts []string, sep *string) string {
	if len(parts) == 0 {
		return ""
	}
	if sep == nil {
		return dnsx.UnescapeTXT(parts[0])
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = dnsx.UnescapeTXT(p)
	}
	return strings.Join(out, firstByte(*sep))
}

// soaText is the primary name server, or with a field separator all the
// fields.
func soaText(v *dns.SOA, sep *string) string {
	if sep == nil {
		return hostName(v.Ns)
	}
	f := firstByte(*sep)
	return fmt.Sprintf("%s%s%s%s%d%s%d%s%d%s%d%s%d", hostName(v.Ns), f, hostName(v.Mbox),
		f, v.Serial, f, v.Refresh, f, v.Retry, f, v.Expire, f, v.Minttl)
}

// csaText is "<code> <target>": Y, N, ? for the name's own record, X or ?
// for a parent's record (by its explicit-authorization bit).
func csaText(v *dns.SRV, domain, found string) (string, bool) {
	if v.Priority != 1 {
		return "", false
	}
	var code string
	switch {
	case found != domain && v.Port&1 != 0:
		code = "X"
	case found != domain:
		code = "?"
	case v.Weight < 2:
		code = "N"
	case v.Weight == 2:
		code = "Y"
	case v.Weight == 3:
		code = "?"
	default:
		return "", false
	}
	return code + " " + hostName(v.Target), true
}
