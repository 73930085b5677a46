package deliver

import (
	"strconv"
	"strings"

	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/spool"
)

// msgVars are a spooled message's variables for expansions during
// delivery, in front of the configuration's.
type msgVars struct {
	base expand.Vars
	h    *spool.Header
	a    *item.Address // the address being delivered, if any
}

func (v *msgVars) Var(name string) (string, bool, bool) {
	if v.a != nil {
		if val, ok := v.addressVar(name); ok {
			return val, true, true
		}
	}
	if val, ok := v.messageVar(name); ok {
		return val, name != "message_id" && name != "message_exim_id", true
	}
	if v.base == nil {
		return "", false, false
	}
	return v.base.Var(name)
}

func (v *msgVars) messageVar(name string) (string, bool) {
	h := v.h
	switch name {
	case "message_id", "message_exim_id":
		return h.ID, true
	case "sender_address", "return_path":
		return h.Sender, true
	case "sender_address_domain":
		_, d := item.Split(h.Sender)
		return d, true
	case "sender_address_local_part":
		l, _ := item.Split(h.Sender)
		return l, true
	case "received_protocol":
		return h.ReceivedProtocol.Value, true
	case "sender_host_address":
		return h.HostAddress.Value, true
	case "sender_host_name":
		return h.HostName.Value, true
	case "sender_helo_name":
		return h.HeloName.Value, true
	case "authenticated_id":
		return h.AuthID.Value, true
	case "authenticated_sender":
		return h.AuthSender.Value, true
	case "sender_host_authenticated":
		return h.HostAuth.Value, true
	case "received_time":
		return strconv.FormatInt(h.Received.Unix(), 10), true
	case "message_size":
		return strconv.FormatInt(h.Size(), 10), true
	case "message_body_size":
		return strconv.FormatInt(h.BodySize, 10), true
	case "body_linecount":
		return strconv.Itoa(h.BodyLinecount), true
	case "recipients_count":
		return strconv.Itoa(len(h.Recipients)), true
	case "interface_address", "received_ip_address":
		return h.InterfaceAddress.Value, true
	case "tls_in_cipher":
		return h.TLSCipher.Value, true
	}
	if strings.HasPrefix(name, "acl_c") || strings.HasPrefix(name, "acl_m") {
		for _, av := range h.ACLVars {
			if "acl_"+av.Name == name || av.Name == name {
				return av.Value, true
			}
		}
		return "", true
	}
	return "", false
}

func (v *msgVars) addressVar(name string) (string, bool) {
	a := v.a
	switch name {
	case "local_part":
		return a.LocalPart, true
	case "domain":
		return a.Domain, true
	case "local_part_prefix":
		return a.Prefix, true
	case "local_part_suffix":
		return a.Suffix, true
	case "address_data":
		return a.AddressData, true
	case "original_local_part":
		l, _ := item.Split(a.Top().Address)
		return l, true
	case "original_domain":
		_, d := item.Split(a.Top().Address)
		return d, true
	case "parent_local_part":
		if a.Parent != nil {
			return a.Parent.LocalPart, true
		}
		return "", true
	case "parent_domain":
		if a.Parent != nil {
			return a.Parent.Domain, true
		}
		return "", true
	case "home":
		return a.Home, true
	case "router_name":
		return a.Router, true
	case "host":
		if len(a.Hosts) > 0 {
			return a.Hosts[0].Name, true
		}
		return "", true
	case "host_address":
		if len(a.Hosts) > 0 {
			return a.Hosts[0].Address, true
		}
		return "", true
	}
	return "", false
}

func (d *Deliverer) context(h *spool.Header, a *item.Address) *expand.Context {
	base := &expand.Context{}
	if d.BaseCtx != nil {
		base = d.BaseCtx()
	}
	ctx := *base
	ctx.Vars = &msgVars{base: base.Vars, h: h, a: a}
	ctx.Headers = spool.HeaderLines(h.Headers)
	return &ctx
}

func (d *Deliverer) messageContext(h *spool.Header) *expand.Context { return d.context(h, nil) }

func (d *Deliverer) addressContext(h *spool.Header, a *item.Address) *expand.Context {
	return d.context(h, a)
}
