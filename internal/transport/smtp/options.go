package smtp

import (
	"fmt"
	"strings"
	"time"

	"exigo/internal/conf"
)

// setting is an option's text and whether it has a value at all: an
// unset host list matches nothing, an empty one is still a list.
type setting struct {
	text string
	set  bool
}

func get(d *conf.Driver, name string) setting {
	if d.IsSet(name) {
		return setting{d.String(name), true}
	}
	def := d.Def(name)
	return setting{d.String(name), def != nil && !def.Unset}
}

// options are the smtp transport's settings, read once when the
// transport is built. Strings that Exim expands stay unexpanded here.
type options struct {
	hosts, fallbackHosts             setting
	hostsOverride, hostsRandomize    bool
	hostsMaxTry, hostsMaxTryHard     int
	port, protocol, iface, heloData  setting
	smtps, lmtp                      bool // protocol = smtps (TLS on connect) or lmtp
	connectTimeout, commandTimeout   time.Duration
	dataTimeout, finalTimeout        time.Duration
	maxRcpt, connectionMaxMessages   int
	sizeAddition, lineLengthLimit    int
	allowLocalhost, delayAfterCutoff bool
	addressRetryIncludeSender        bool
	retryIncludeIP                   setting // expanded boolean
	dnsQualifySingle                 bool

	avoidESMTP, avoidPipelining, tryChunking setting
	requireAuth, tryAuth                     setting
	authenticatedSender                      setting
	authenticatedSenderForce                 bool

	avoidTLS, requireTLS, verifyHosts, tryVerifyHosts setting
	verifyCertificates, verifyCertHostnames, sni      setting
	certificate, privateKey                           setting
	tempfailTryClear                                  bool
}

func readOptions(d *conf.Driver) (*options, error) {
	o := &options{
		hosts: get(d, "hosts"), fallbackHosts: get(d, "fallback_hosts"),
		hostsOverride: d.Bool("hosts_override"), hostsRandomize: d.Bool("hosts_randomize"),
		hostsMaxTry: int(d.Int("hosts_max_try")), hostsMaxTryHard: int(d.Int("hosts_max_try_hardlimit")),
		port: get(d, "port"), protocol: get(d, "protocol"), iface: get(d, "interface"),
		heloData:       get(d, "helo_data"),
		connectTimeout: d.Time("connect_timeout"), commandTimeout: d.Time("command_timeout"),
		dataTimeout: d.Time("data_timeout"), finalTimeout: d.Time("final_timeout"),
		maxRcpt: int(d.Int("max_rcpt")), connectionMaxMessages: int(d.Int("connection_max_messages")),
		sizeAddition: int(d.Int("size_addition")), lineLengthLimit: int(d.Int("message_linelength_limit")),
		allowLocalhost: d.Bool("allow_localhost"), delayAfterCutoff: d.Bool("delay_after_cutoff"),
		addressRetryIncludeSender: d.Bool("address_retry_include_sender"),
		retryIncludeIP:            get(d, "retry_include_ip_address"),
		dnsQualifySingle:          d.Bool("dns_qualify_single"),

		avoidESMTP: get(d, "hosts_avoid_esmtp"), avoidPipelining: get(d, "hosts_avoid_pipelining"),
		tryChunking: get(d, "hosts_try_chunking"),
		requireAuth: get(d, "hosts_require_auth"), tryAuth: get(d, "hosts_try_auth"),
		authenticatedSender:      get(d, "authenticated_sender"),
		authenticatedSenderForce: d.Bool("authenticated_sender_force"),

		avoidTLS: get(d, "hosts_avoid_tls"), requireTLS: get(d, "hosts_require_tls"),
		verifyHosts: get(d, "tls_verify_hosts"), tryVerifyHosts: get(d, "tls_try_verify_hosts"),
		verifyCertificates: get(d, "tls_verify_certificates"), verifyCertHostnames: get(d, "tls_verify_cert_hostnames"),
		sni: get(d, "tls_sni"), certificate: get(d, "tls_certificate"), privateKey: get(d, "tls_privatekey"),
		tempfailTryClear: d.Bool("tls_tempfail_tryclear"),
	}
	// Exim's smtp_transport_init: a zero timeout is a configuration error.
	if o.commandTimeout <= 0 || o.dataTimeout <= 0 || o.finalTimeout <= 0 {
		return nil, fmt.Errorf("command, data, or final timeout value is zero for %s transport", d.Name)
	}
	if o.maxRcpt <= 0 {
		o.maxRcpt = 999999 // Exim: max_rcpt = 0 means no limit
	}
	// The default port follows the protocol (smtp_transport_init).
	o.smtps = strings.EqualFold(o.protocol.text, "smtps")
	o.lmtp = strings.EqualFold(o.protocol.text, "lmtp")
	if !d.IsSet("port") {
		switch {
		case o.lmtp:
			o.port = setting{"lmtp", true}
		case o.smtps:
			o.port = setting{"smtps", true}
		default:
			o.port = setting{"smtp", true}
		}
	}
	return o, nil
}

// implemented lists the options this package acts on, for -bV.
var implemented = []string{
	"hosts", "fallback_hosts", "hosts_override", "hosts_randomize", "hosts_max_try",
	"hosts_max_try_hardlimit", "port", "protocol", "interface", "helo_data",
	"connect_timeout", "command_timeout", "data_timeout", "final_timeout",
	"max_rcpt", "connection_max_messages", "size_addition", "message_linelength_limit",
	"allow_localhost", "delay_after_cutoff", "address_retry_include_sender",
	"retry_include_ip_address", "dns_qualify_single",
	"hosts_avoid_esmtp", "hosts_avoid_pipelining", "hosts_try_chunking",
	"hosts_require_auth", "hosts_try_auth", "authenticated_sender", "authenticated_sender_force",
	"hosts_avoid_tls", "hosts_require_tls", "tls_verify_hosts", "tls_try_verify_hosts",
	"tls_verify_certificates", "tls_verify_cert_hostnames", "tls_sni",
	"tls_certificate", "tls_privatekey", "tls_tempfail_tryclear",
}

func init() {
	conf.MarkImplemented(conf.KindTransport, "smtp", implemented...)
}
