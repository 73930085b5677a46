package dnsx

import (
	"context"
	"fmt"
	"time"

	"github.com/miekg/dns"
)

func (r *Resolver) servers() []string {
	if len(r.Servers) > 0 {
		return r.Servers
	}
	servers, _ := readResolvConf()
	return servers
}

func (r *Resolver) lookup(ctx context.Context, name string, qtype uint16) (*Answer, error) {
	servers := r.servers()
	if len(servers) == 0 {
		return nil, fmt.Errorf("%w: no DNS server configured", ErrTemporary)
	}
	timeout, tries := r.Timeout, r.Retries
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	if tries == 0 {
		tries = 2
	}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	if r.DNSSEC {
		m.SetEdns0(4096, true)
	} else {
		m.SetEdns0(4096, false)
	}
	var lastErr error
	for _, srv := range servers {
		for i := 0; i < tries; i++ {
			in, err := exchange(ctx, m, srv, timeout)
			if err != nil {
				lastErr = err
				continue
			}
			switch in.Rcode {
			case dns.RcodeSuccess, dns.RcodeNameError:
				return &Answer{Rcode: in.Rcode, RRs: in.Answer, AD: in.AuthenticatedData}, nil
			default:
				lastErr = fmt.Errorf("server %s answered %s", srv, dns.RcodeToString[in.Rcode])
			}
		}
	}
	return nil, fmt.Errorf("%w: %v", ErrTemporary, lastErr)
}

func exchange(ctx context.Context, m *dns.Msg, srv string, timeout time.Duration) (*dns.Msg, error) {
	c := &dns.Client{Net: "udp", Timeout: timeout}
	in, _, err := c.ExchangeContext(ctx, m, srv)
	if err == nil && in.Truncated {
		c.Net = "tcp"
		in, _, err = c.ExchangeContext(ctx, m, srv)
	}
	return in, err
}
