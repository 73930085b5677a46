package router

import (
	"fmt"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
)

// selfAction is rf_self_action: what the "self" option says to do when
// the (lowest MX) host is this machine: freeze, defer, send, pass, fail,
// or reroute:[rewrite:]domain.
func (e *Env) selfAction(r *conf.Driver, a *item.Address, h host) (item.Result, []*item.Address) {
	msg := "remote host address is the local host"
	if h.MX >= 0 {
		msg = "lowest numbered MX record points to local host"
	}
	self := r.String("self")
	switch {
	case self == "freeze":
		e.logSelf(msg, a)
		a.Message, a.Freeze = msg, true
		return item.Defer, nil
	case self == "defer":
		a.Message = msg
		return item.Defer, nil
	case self == "send":
		return item.OK, nil
	case self == "pass":
		a.Message, a.SelfHost = msg, h.Name
		return item.Pass, nil
	case self == "fail":
		a.Message = msg
		return item.Fail, nil
	case strings.HasPrefix(self, "reroute:"):
		domain := strings.TrimLeft(self[len("reroute:"):], " \t")
		if rest, ok := strings.CutPrefix(domain, "rewrite:"); ok {
			domain = strings.TrimLeft(rest, " \t")
		}
		return item.Rerouted, []*item.Address{changeDomain(a, domain)}
	}
	a.Message = msg
	return item.Defer, nil
}

// logSelf writes the main log line self = freeze gives.
func (e *Env) logSelf(msg string, a *item.Address) {
	if e.Ctx.Vars != nil {
		if id, _, _ := e.Ctx.Vars.Var("message_id"); id != "" {
			e.logf("%s: %s", msg, a.Domain)
			return
		}
		if host, _, _ := e.Ctx.Vars.Var("sender_fullhost"); host != "" {
			e.logf("%s: %s (while verifying <%s> from host %s)", msg, a.Domain, a.Address, host)
			return
		}
	}
	e.logf("%s: %s (while routing <%s>)", msg, a.Domain, a.Address)
}

// translateIPs is translate_ip_address: each host's address is expanded
// with $host and $host_address set; an IP address replaces it, a name is
// looked up instead.
func (e *Env) translateIPs(r *conf.Driver, a *item.Address) bool {
	var out []item.Host
	for _, h := range a.Hosts {
		if h.Address == "" {
			out = append(out, h)
			continue
		}
		e.rs.vars.set("host", h.Name, false)
		e.rs.vars.set("host_address", h.Address, false)
		v, err := e.Ctx.Expand(r.String("translate_ip_address"))
		e.rs.vars.set("host", "", false)
		e.rs.vars.set("host_address", "", false)
		if err != nil {
			if expand.IsForcedFail(err) {
				out = append(out, h)
				continue
			}
			a.Message = "translate_ip_address expansion failed: " + err.Error()
			return false
		}
		if isIPAddress(v) {
			h.Address = v
			out = append(out, h)
			continue
		}
		found, rc, _ := e.findByName(host{Host: item.Host{Name: v, MX: -1}}, "", true)
		if rc == hostFindFailed || rc == hostFindAgain {
			a.Message = fmt.Sprintf("host %s not found when translating %s [%s]", v, h.Name, h.Address)
			return false
		}
		out = append(out, itemHosts(found)...)
	}
	a.Hosts = out
	return true
}
