package smtpd

import (
	"strconv"
	"strings"
)

// sessionVars gives expansions the session's variables: what ACLs set
// first, then the connection and message, then the configuration.
type sessionVars struct {
	s *session
	// recipientsVisible: $recipients is available (DATA ACLs only).
	recipientsVisible bool
	// msg holds values known once data is received ($message_size,
	// $body_linecount, $message_id ...).
	msg map[string]string
}

// tainted names: values that come from the client.
var taintedVars = map[string]bool{
	"sender_helo_name": true, "sender_host_name": true, "sender_address": true,
	"sender_address_domain": true, "sender_address_local_part": true,
	"local_part": true, "domain": true, "original_local_part": true,
	"original_domain": true, "smtp_command": true, "smtp_command_argument": true,
	"authenticated_sender": true, "recipients": true, "sender_fullhost": true,
	"sender_rcvhost": true, "sender_ident": true, "dsn_envid": true,
	// content scanning: MIME header values and regex captures
	"mime_boundary": true, "mime_charset": true, "mime_content_description": true,
	"mime_content_disposition": true, "mime_content_id": true,
	"mime_content_transfer_encoding": true, "mime_content_type": true,
	"mime_filename": true, "regex1": true, "regex2": true, "regex3": true,
	"regex4": true, "regex5": true, "regex6": true, "regex7": true,
	"regex8": true, "regex9": true,
}

func (v *sessionVars) Var(name string) (string, bool, bool) {
	s := v.s
	if val, ok := s.state.Vars[name]; ok {
		return val, taintedVars[name], true
	}
	if val, ok := v.msg[name]; ok {
		return val, taintedVars[name], true
	}
	if val, ok := v.connVar(name); ok {
		return val, taintedVars[name], true
	}
	if val, ok := v.messageVar(name); ok {
		return val, taintedVars[name], true
	}
	if val, ok := s.srv.Config.Var(name); ok {
		return val, false, true
	}
	return "", false, false
}

func (v *sessionVars) connVar(name string) (string, bool) {
	s := v.s
	switch name {
	case "sender_host_address":
		return s.hostAddress(), true
	case "sender_host_port":
		if s.local {
			return "", true
		}
		return strconv.Itoa(s.hostPort()), true
	case "sender_host_name":
		s.lookupHostNameAndBuild()
		return s.hostName, true
	case "host_lookup_failed": // read only: Exim does not look up for it
		return boolVar(s.hostLookupFail), true
	case "sender_helo_name":
		return s.helo, true
	case "sender_fullhost":
		return s.fullHost(false), true
	case "sender_rcvhost":
		return s.rcvHost(), true
	case "sender_ident":
		return s.ident, true
	case "interface_address", "received_ip_address":
		if !s.peer.Local.IsValid() {
			return "", true
		}
		return s.peer.Local.Addr().Unmap().String(), true
	case "interface_port", "received_port":
		if !s.peer.Local.IsValid() {
			return "", true
		}
		return strconv.Itoa(int(s.peer.Local.Port())), true
	case "received_protocol":
		return s.protocol, true
	case "smtp_active_hostname":
		return s.activeHostname, true
	case "authenticated_id":
		return s.authID, true
	case "authenticated_fail_id":
		return s.authFailID, true
	case "sender_host_authenticated":
		return s.authName, true
	case "smtp_command":
		return s.cmd, true
	case "smtp_command_argument":
		return s.cmdArg, true
	case "tls_in_cipher", "tls_cipher":
		return s.tlsCipher, true
	case "tls_in_ver":
		return s.tlsVersion, true
	case "tls_in_peerdn", "tls_peerdn":
		return s.tlsPeerDN, true
	case "tls_in_sni", "tls_sni":
		return s.tlsSNI, true
	case "tls_in_cipher_std":
		return s.tlsCipher, true
	case "smtp_count_at_connection_start":
		return strconv.Itoa(s.srv.Active()), true
	}
	return "", false
}

func (v *sessionVars) messageVar(name string) (string, bool) {
	s := v.s
	switch name {
	case "sender_address":
		return s.senderAddress(), true
	case "sender_address_domain", "sender_address_local_part":
		if s.sender == nil {
			return "", true
		}
		at := strings.LastIndexByte(*s.sender, '@')
		if at < 0 {
			return "", true
		}
		if name == "sender_address_domain" {
			return (*s.sender)[at+1:], true
		}
		return (*s.sender)[:at], true
	case "authenticated_sender":
		return s.authSender, true
	case "rcpt_count":
		return strconv.Itoa(s.rcptCount), true
	case "recipients_count":
		return strconv.Itoa(len(s.recipients)), true
	case "rcpt_fail_count":
		return strconv.Itoa(s.rcptFail), true
	case "rcpt_defer_count":
		return strconv.Itoa(s.rcptDefer), true
	case "recipients":
		if !v.recipientsVisible {
			return "", true
		}
		addrs := make([]string, len(s.recipients))
		for i, r := range s.recipients {
			addrs[i] = r.address
		}
		return strings.Join(addrs, ", "), true
	case "message_size":
		return strconv.FormatInt(s.messageSize, 10), true
	case "dsn_envid":
		return s.dsnEnvid, true
	case "dsn_ret":
		return s.dsnRet, true
	case "headers_added":
		return s.state.HeadersAdded(), true
	case "message_exim_id", "message_id":
		return s.messageID, true
	case "prdr_requested":
		return "", true
	}
	return "", false
}

func boolVar(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
