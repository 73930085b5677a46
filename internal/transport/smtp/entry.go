package smtp

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"exigo/internal/item"
	"exigo/internal/retry"
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
		d.settleAll(stPanic, fmt.Sprintf("%s transport: LMTP over TCP (protocol = lmtp) is not supported", d.t.name))
		return
	}
	hosts, ok := d.hostList()
	if !ok {
		return
	}
	port, msg := d.defaultPort()
	if msg != "" {
		d.settleAll(stPanic, msg)
		return
	}
	if !d.tryHosts(hosts, port) {
		d.recordWaiting(hosts)
	}
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
	d.usingFallback = true
	if !d.tryHosts(hs, port) {
		d.recordWaiting(hs)
	}
}

func (d *delivery) firstDeferred() *rcpt {
	for _, r := range d.rcpts {
		if r.st == stDefer {
			return r
		}
	}
	return nil
}

func (d *delivery) anyDeferred() bool { return d.firstDeferred() != nil }

// hostCounts explain, at the end, why nothing was tried.
type hostCounts struct {
	total, fail, defer_, retry int
}

// hostLoop is the state of smtp_transport_entry's loop over the hosts.
type hostLoop struct {
	d              *delivery
	hosts          []*host
	port           int
	n              hostCounts
	unexpiredTried int
	totalTried     int
	expired        bool // every host was unusable past its cutoff, none tried
	stopped        bool // hosts_max_try cut the list short
	done           bool // every address is settled
}

// tryHosts is the host loop of smtp_transport_entry: once through the
// list, and again (delay_after_cutoff false) for hosts past their cutoff
// not tried since the message arrived. It reports whether every address
// was settled (false: some are left deferred).
func (d *delivery) tryHosts(hosts []*host, port int) bool {
	l := &hostLoop{d: d, hosts: hosts, port: port, expired: true}
	passes := 1
	if !d.o.delayAfterCutoff {
		passes = 2
	}
	for pass := 0; l.expired && pass < passes && !l.done; pass++ {
		l.run(pass)
	}
	if !l.done && d.continuing() && !d.continuedTried {
		// The open connection's host is not in this list (routing
		// changed): deliver as if no connection were open.
		d.env.Continued = nil
		return d.tryHosts(hosts, port)
	}
	if !l.done {
		d.explainDeferrals(l.n, l.expired, l.stopped)
	}
	return l.done
}

func (l *hostLoop) run(pass int) {
	d := l.d
	for i := 0; i < len(l.hosts); i++ {
		if l.unexpiredTried >= d.o.hostsMaxTry || l.totalTried >= d.o.hostsMaxTryHard {
			l.stopped = true
			return
		}
		h := l.hosts[i]
		if h.Address == "" {
			if h.unusable {
				continue
			}
			var kind string
			if l.hosts, kind = d.lookup(l.hosts, i); kind != "" {
				l.expired = false
				d.lookupFailed(h, kind, &l.n)
				continue
			}
			if !d.o.allowLocalhost && isLocalAddress(h.Address) {
				for _, r := range d.rcpts {
					r.a.BasicErrno = item.ErrnoHostIsLocal
					r.a.Message = fmt.Sprintf("%s transport found host %s to be local", d.t.name, h.Name)
				}
				l.done = true
				return
			}
		}
		if h.Port == 0 {
			h.Port = l.port
		}
		if d.skipForContinued(h) {
			l.expired = false
			continue
		}
		l.n.total++
		d.setHostVars(h)
		iface, msg := outgoingInterface(d.ctx, d.o.iface.text, d.o.iface.set, h.Address, d.t.name)
		if msg != "" {
			d.settleAll(stPanic, msg)
			l.done = true
			return
		}
		check, try := l.retryCheck(pass, h, iface)
		if !try {
			continue
		}
		l.expired = false
		if d.msg.Header != nil && d.msg.Header.DontDeliver {
			d.bypass(h)
			l.done = true
			return
		}
		next := i + 1
		if !check.Expired {
			next = d.nextHost(l.hosts, i, &l.unexpiredTried)
		}
		l.totalTried++
		first := d.firstDeferred()
		rc, messageDefer := d.attemptHost(h, iface, i+1 < len(l.hosts))
		d.noteRetries(h, iface, rc, messageDefer, first, check)
		if rc == rcDefer {
			h.unusable, h.unusableExpired = true, check.Expired
		}
		if rc == rcError || (rc == rcOK && !d.anyDeferred()) {
			l.done = true
			return
		}
		if d.continuing() {
			return // no other host when continuing a connection
		}
		if next > i+1 {
			i = next - 1
		}
	}
}

// retryCheck is the retry data's say on a host (retry_check_address on
// the first pass; on the second only hosts past their cutoff that were
// last tried before the message arrived). try is false to skip it.
func (l *hostLoop) retryCheck(pass int, h *host, iface string) (retry.HostCheck, bool) {
	d := l.d
	var check retry.HostCheck
	if pass == 1 {
		if !h.unusableExpired || h.lastTry.After(d.received()) {
			return check, false
		}
		check.Expired = true
		return check, true
	}
	if d.env.Retry == nil {
		return check, true
	}
	check = d.env.Retry.Host(d.first().a.Domain, d.hostKey(h, iface))
	switch check.Status {
	case retry.HostUsable:
		return check, true
	case retry.HostUnusable:
		l.expired = false
		for _, r := range d.rcpts {
			if r.st == stDefer {
				r.a.RetrySkipped = true
			}
		}
	case retry.HostUnusableExpired:
		h.unusableExpired, h.lastTry = true, check.LastTry
	}
	l.n.retry++
	return check, false
}

// received is when the message arrived.
func (d *delivery) received() time.Time {
	if d.msg.Header != nil {
		return d.msg.Header.Received
	}
	return time.Time{}
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
// deferred for a reason tied to this message. After a good attempt the
// records the retry check read are deleted; without a retry checker
// both keys are deleted (a no-op when there are none).
func (d *delivery) noteRetries(h *host, iface string, rc int, messageDefer bool, first *rcpt, check retry.HostCheck) {
	if first == nil {
		return
	}
	hostKey := d.hostKey(h, iface)
	msgKey := retry.MessageKey(hostKey, d.msgID())
	unknown := d.env.Retry == nil
	switch {
	case rc == rcDefer && d.continuing():
		// A deferral down a continued connection sets no host retry
		// data: a host really down is found by a fresh delivery.
	case rc == rcDefer:
		d.addRetry(first, hostKey, item.RetryHost)
	case unknown || check.HostKey != "":
		d.addRetry(first, hostKey, item.RetryHost|item.RetryDelete)
	}
	switch {
	case messageDefer:
		d.noWaiting = true
		d.addRetry(d.rcpts[0], msgKey, item.RetryMessage|item.RetryHost)
	case rc == rcOK && (unknown || check.MessageKey != ""):
		d.noWaiting = d.noWaiting || check.MessageKey != ""
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

// hostKey is the host's retry key: "T:name" (lower case), ":ip" unless
// retry_include_ip_address is false, then the port unless 25 and the
// interface.
func (d *delivery) hostKey(h *host, iface string) string {
	k := "T:" + strings.ToLower(h.Name)
	if d.includeIP() {
		k += ":" + h.Address
	}
	return k + pistring(h.Port, iface)
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
func (d *delivery) explainDeferrals(n hostCounts, expired, stopped bool) {
	for _, r := range d.rcpts {
		if stopped && d.o.hostsMaxTry > 0 && r.st == stDefer {
			r.a.RetrySkipped = true // hosts_max_try left hosts untried
		}
		if r.st != stDefer || (r.a.BasicErrno != 0 && r.a.BasicErrno != item.ErrnoUnknown) || r.a.Message != "" {
			continue
		}
		r.a.BasicErrno = item.ErrnoHRetry
		dom := ""
		if r.a.Domain != "" {
			dom = " for '" + r.a.Domain + "'"
		}
		if expired {
			r.a.PassMessage = true
			how := "(and retry time not reached)"
			if !d.o.delayAfterCutoff {
				how = "and were last tried after this message arrived"
			}
			r.a.Message = fmt.Sprintf("all hosts%s have been failing for a long time %s", dom, how)
			// Bounce unless fallback hosts are still to come.
			if d.usingFallback || len(r.a.Fallback) == 0 && !d.o.fallbackHosts.set {
				r.st = stFail
			}
			continue
		}
		f := "some host address lookups failed and retry time not reached for other hosts or connection limit reached%s"
		switch {
		case n.retry == n.total:
			f = "retry time not reached for any host%s"
		case n.fail == n.total:
			f = "all host address lookups%s failed permanently"
		case n.defer_ == n.total:
			f = "all host address lookups%s failed temporarily"
		case n.fail+n.defer_ == n.total:
			f = "all host address lookups%s failed"
		}
		r.a.Message = fmt.Sprintf(f, dom)
	}
}
