package smtp

import (
	"fmt"
	"strconv"
	"strings"

	"exigo/internal/item"
)

// Results of one host attempt (Exim's smtp_deliver): rcOK means the
// dialogue ran and each address has its own result; rcDefer a failure
// that is not about the message (connection, greeting, TLS ...); rcError
// a local problem that any host would meet.
const (
	rcOK = iota
	rcDefer
	rcError
)

// run is smtp_transport_entry: try the hosts in turn until every
// address is settled, then the fallback hosts.
func (d *delivery) run() {
	if h := d.msg.Header; h != nil && d.o.lineLengthLimit > 0 && h.MaxReceivedLinelength > d.o.lineLengthLimit {
		for _, r := range d.rcpts {
			r.st, r.a.BasicErrno = stFail, item.ErrnoSMTPFormat
			r.a.Message = "message has lines too long for transport"
		}
		return
	}
	if d.o.lmtp {
		d.settleFirst(stPanic, fmt.Sprintf("%s transport: LMTP over TCP (protocol = lmtp) is not supported", d.t.name))
		return
	}
	hosts, ok := d.hostList()
	if !ok {
		return
	}
	port, msg := d.defaultPort()
	if msg != "" {
		d.settleFirst(stPanic, msg)
		return
	}
	d.tryHosts(hosts, port)
	d.tryFallback(port)
}

// tryFallback sends the addresses still deferred to their fallback
// hosts: the router's, else the transport's fallback_hosts (Exim's
// deliver.c does this as a second remote delivery).
func (d *delivery) tryFallback(port int) {
	var hs []*host
	if fb := d.first().a.Fallback; len(fb) > 0 {
		hs = d.routerHosts(fb)
	} else if d.o.fallbackHosts.set {
		hs = buildHostList(d.o.fallbackHosts.text, false)
	}
	if len(hs) == 0 || !d.anyDeferred() {
		return
	}
	d.tryHosts(hs, port)
}

func (d *delivery) firstDeferred() *rcpt {
	for _, r := range d.rcpts {
		if r.st == stDefer {
			return r
		}
	}
	return nil
}

func (d *delivery) anyDeferred() bool {
	for _, r := range d.rcpts {
		if r.st == stDefer {
			return true
		}
	}
	return false
}

// hostCounts explain, at the end, why nothing was tried.
type hostCounts struct {
	total, fail, defer_, lookedUp int
}

// tryHosts is the host loop of smtp_transport_entry.
func (d *delivery) tryHosts(hosts []*host, port int) {
	var n hostCounts
	unexpiredTried, totalTried := 0, 0
	for i := 0; i < len(hosts); i++ {
		if unexpiredTried >= d.o.hostsMaxTry || totalTried >= d.o.hostsMaxTryHard {
			break
		}
		h := hosts[i]
		if h.Address == "" {
			if h.unusable {
				continue
			}
			var kind string
			n.lookedUp++
			if hosts, kind = d.lookup(hosts, i); kind != "" {
				d.lookupFailed(h, kind, &n)
				continue
			}
			if !d.o.allowLocalhost && isLocalAddress(h.Address) {
				for _, r := range d.rcpts {
					r.a.BasicErrno = item.ErrnoHostIsLocal
					r.a.Message = fmt.Sprintf("%s transport found host %s to be local", d.t.name, h.Name)
				}
				return
			}
		}
		n.total++
		if h.Port == 0 {
			h.Port = port
		}
		d.setHostVars(h)
		iface, msg := outgoingInterface(d.ctx, d.o.iface.text, d.o.iface.set, h.Address, d.t.name)
		if msg != "" {
			d.settleFirst(stPanic, msg)
			return
		}
		if d.msg.Header != nil && d.msg.Header.DontDeliver {
			d.bypass(h)
			return
		}
		next := d.nextHost(hosts, i, &unexpiredTried)
		totalTried++
		first := d.firstDeferred()
		rc, messageDefer := d.attemptHost(h, iface, i+1 < len(hosts))
		d.noteRetries(h, iface, rc, messageDefer, first)
		if rc == rcDefer {
			h.unusable = true
		}
		if rc == rcError || (rc == rcOK && !d.anyDeferred()) {
			return
		}
		if next > i+1 {
			i = next - 1
		}
	}
	d.explainDeferrals(n)
}

// nextHost counts the host towards hosts_max_try; when the limit is
// reached it skips ahead to a host with another MX value if there is
// one, so that every MX level gets a chance (Exim's heuristic).
func (d *delivery) nextHost(hosts []*host, i int, tried *int) int {
	*tried++
	if *tried < d.o.hostsMaxTry {
		return i + 1
	}
	for j := i + 1; j < len(hosts); j++ {
		if hosts[j].MX != hosts[i].MX {
			*tried--
			return j
		}
	}
	return i + 1
}

// lookupFailed records a host whose address could not be found: a
// routing-style retry item and the error on the addresses still open.
func (d *delivery) lookupFailed(h *host, kind string, n *hostCounts) {
	h.unusable = true
	if kind == "temp" {
		n.defer_++
	} else {
		n.fail++
	}
	for _, r := range d.rcpts {
		if r.st != stDefer {
			continue
		}
		r.a.BasicErrno = item.ErrnoUnknownHost
		r.a.Message = "failed to lookup IP address for " + h.Name
		r.a.RetryKey = "R:" + h.Name
	}
}

// setHostVars sets $host, $host_address and $host_port for expansions.
func (d *delivery) setHostVars(h *host) {
	d.vars["host"] = h.Name
	d.vars["host_address"] = h.Address
	d.vars["host_port"] = strconv.Itoa(h.Port)
	if h.DNSSEC {
		d.vars["lookup_dnssec_authenticated"] = "yes"
	} else {
		d.vars["lookup_dnssec_authenticated"] = ""
	}
}

// bypass is -N: nothing is sent, every address counts as delivered.
func (d *delivery) bypass(h *host) {
	used := h.Host
	for _, r := range d.rcpts {
		r.st = stOK
		r.a.HostUsed = &used
		r.a.Message = "delivery bypassed by -N option"
		r.a.SMTPConfirmation = r.a.Message // Exim logs it as C=
	}
}

// pistring is what Exim adds to a host's retry key: ":port" unless the
// port is 25, and "/interface" when one is set.
func pistring(port int, iface string) string {
	s := ""
	if port != 25 {
		s = ":" + strconv.Itoa(port)
	}
	if iface != "" {
		s += "/" + iface
	}
	return s
}

// noteRetries records the retry items Exim adds after a host attempt:
// "T:name:ip[:port]" on the first address tried when the host failed,
// and "T:name:ip[:port]:id" on the first address when every address was
// deferred for a reason tied to this message. After a good attempt both
// are deleted (a no-op when there were none: Exim only deletes the keys
// it found in the database, which the transport does not read).
func (d *delivery) noteRetries(h *host, iface string, rc int, messageDefer bool, first *rcpt) {
	if first == nil {
		return
	}
	hostKey := "T:" + h.Name
	if d.includeIP() {
		hostKey += ":" + h.Address
	}
	hostKey += pistring(h.Port, iface)
	msgKey := hostKey + ":" + d.msgID()
	switch rc {
	case rcDefer:
		d.addRetry(first, hostKey, item.RetryHost)
	case rcOK:
		d.addRetry(first, hostKey, item.RetryHost|item.RetryDelete)
	}
	if messageDefer {
		d.addRetry(d.rcpts[0], msgKey, item.RetryMessage|item.RetryHost)
	} else if rc == rcOK {
		d.addRetry(d.rcpts[0], msgKey, item.RetryMessage|item.RetryHost|item.RetryDelete)
	}
	for _, r := range d.rcpts {
		if r.st != stDefer {
			continue
		}
		switch {
		case messageDefer:
			r.a.RetryKey = msgKey
		case rc == rcDefer:
			r.a.RetryKey = hostKey
		}
	}
}

// includeIP is retry_include_ip_address, an expanded boolean.
func (d *delivery) includeIP() bool {
	if !d.o.retryIncludeIP.set {
		return true
	}
	v, err := d.expand(d.o.retryIncludeIP.text)
	if err != nil {
		return true // Exim: on error, the most specific key
	}
	switch strings.ToLower(v) {
	case "false", "no", "0", "":
		return false
	}
	return true
}

// explainDeferrals gives the addresses that were never tried Exim's
// standard message.
func (d *delivery) explainDeferrals(n hostCounts) {
	for _, r := range d.rcpts {
		if r.st != stDefer || (r.a.BasicErrno != 0 && r.a.BasicErrno != item.ErrnoUnknown) || r.a.Message != "" {
			continue
		}
		r.a.BasicErrno = item.ErrnoHRetry
		f := "some host address lookups failed and retry time not reached for other hosts or connection limit reached%s"
		switch {
		case n.total == 0:
			f = "retry time not reached for any host%s"
		case n.fail == n.total:
			f = "all host address lookups%s failed permanently"
		case n.defer_ == n.total:
			f = "all host address lookups%s failed temporarily"
		case n.fail+n.defer_ == n.total:
			f = "all host address lookups%s failed"
		}
		dom := ""
		if r.a.Domain != "" {
			dom = " for '" + r.a.Domain + "'"
		}
		r.a.Message = fmt.Sprintf(f, dom)
	}
}
