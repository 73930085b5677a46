package eximlog

// Name is one log_selector item of Exim 4.96. The zero Name means "no
// selector": an entry gated on it is always written.
type Name uint8

// The log_selector items Exim 4.96 knows (its log_options table, which
// also has protocol_detail from the experimental spec).
const (
	_ Name = iota
	EightBitMIME
	AclWarnSkipped
	AddressRewrite
	AllParents
	Arguments
	ConnectionReject
	DelayDelivery
	DeliverTime
	DeliverySize
	Dkim
	DkimVerbose
	DnslistDefer
	Dnssec
	Etrn
	HostLookupFailed
	IdentTimeout
	IncomingInterface
	IncomingPort
	LostIncomingConnection
	Millisec
	MsgID
	MsgIDCreated
	OutgoingInterface
	OutgoingPort
	Pid
	Pipelining
	ProtocolDetail
	Proxy
	QueueRun
	QueueTime
	QueueTimeExclusive
	QueueTimeOverall
	ReceiveTime
	ReceivedRecipients
	ReceivedSender
	RejectedHeader
	RetryDefer
	ReturnPathOnDelivery
	SenderOnDelivery
	SenderVerifyFail
	SizeReject
	SkipDelivery
	SmtpConfirmation
	SmtpConnection
	SmtpIncompleteTransaction
	SmtpMailauth
	SmtpNoMail
	SmtpProtocolError
	SmtpSyntaxError
	Subject
	TLSCertificateVerified
	TLSCipher
	TLSPeerDN
	TLSResumption
	TLSSNI
	UnknownInList
	numNames
)

// nameText is the spelling in log_selector, indexed by Name.
var nameText = [numNames]string{
	EightBitMIME:              "8bitmime",
	AclWarnSkipped:            "acl_warn_skipped",
	AddressRewrite:            "address_rewrite",
	AllParents:                "all_parents",
	Arguments:                 "arguments",
	ConnectionReject:          "connection_reject",
	DelayDelivery:             "delay_delivery",
	DeliverTime:               "deliver_time",
	DeliverySize:              "delivery_size",
	Dkim:                      "dkim",
	DkimVerbose:               "dkim_verbose",
	DnslistDefer:              "dnslist_defer",
	Dnssec:                    "dnssec",
	Etrn:                      "etrn",
	HostLookupFailed:          "host_lookup_failed",
	IdentTimeout:              "ident_timeout",
	IncomingInterface:         "incoming_interface",
	IncomingPort:              "incoming_port",
	LostIncomingConnection:    "lost_incoming_connection",
	Millisec:                  "millisec",
	MsgID:                     "msg_id",
	MsgIDCreated:              "msg_id_created",
	OutgoingInterface:         "outgoing_interface",
	OutgoingPort:              "outgoing_port",
	Pid:                       "pid",
	Pipelining:                "pipelining",
	ProtocolDetail:            "protocol_detail",
	Proxy:                     "proxy",
	QueueRun:                  "queue_run",
	QueueTime:                 "queue_time",
	QueueTimeExclusive:        "queue_time_exclusive",
	QueueTimeOverall:          "queue_time_overall",
	ReceiveTime:               "receive_time",
	ReceivedRecipients:        "received_recipients",
	ReceivedSender:            "received_sender",
	RejectedHeader:            "rejected_header",
	RetryDefer:                "retry_defer",
	ReturnPathOnDelivery:      "return_path_on_delivery",
	SenderOnDelivery:          "sender_on_delivery",
	SenderVerifyFail:          "sender_verify_fail",
	SizeReject:                "size_reject",
	SkipDelivery:              "skip_delivery",
	SmtpConfirmation:          "smtp_confirmation",
	SmtpConnection:            "smtp_connection",
	SmtpIncompleteTransaction: "smtp_incomplete_transaction",
	SmtpMailauth:              "smtp_mailauth",
	SmtpNoMail:                "smtp_no_mail",
	SmtpProtocolError:         "smtp_protocol_error",
	SmtpSyntaxError:           "smtp_syntax_error",
	Subject:                   "subject",
	TLSCertificateVerified:    "tls_certificate_verified",
	TLSCipher:                 "tls_cipher",
	TLSPeerDN:                 "tls_peerdn",
	TLSResumption:             "tls_resumption",
	TLSSNI:                    "tls_sni",
	UnknownInList:             "unknown_in_list",
}

// String is the log_selector spelling ("smtp_connection").
func (n Name) String() string {
	if n == 0 || n >= numNames {
		return ""
	}
	return nameText[n]
}

// Names lists every selector name in Exim's alphabetical order.
func Names() []Name {
	out := make([]Name, 0, numNames-1)
	for n := Name(1); n < numNames; n++ {
		out = append(out, n)
	}
	return out
}

// LookupName finds a selector by its log_selector spelling, including
// Exim's alias "rejected_headers".
func LookupName(s string) (Name, bool) {
	n, ok := nameByText[s]
	return n, ok
}

var nameByText = func() map[string]Name {
	m := make(map[string]Name, numNames+1)
	for n := Name(1); n < numNames; n++ {
		m[nameText[n]] = n
	}
	m["rejected_headers"] = RejectedHeader
	return m
}()

// defaultNames are on unless log_selector turns them off (Exim 4.96's
// log_default, which has outgoing_interface although the manual does not
// star it).
var defaultNames = []Name{
	AclWarnSkipped, ConnectionReject, DelayDelivery, Dkim, DnslistDefer,
	Etrn, HostLookupFailed, LostIncomingConnection, OutgoingInterface,
	MsgID, QueueRun, RejectedHeader, RetryDefer, SenderVerifyFail,
	SizeReject, SkipDelivery, SmtpConfirmation, TLSCertificateVerified,
	TLSCipher,
}

// firstWord lists, in bit order, the selectors Exim keeps in the first
// word of its bit string: the only ones the internal "=<number>" form
// can set.
var firstWord = []Name{
	AddressRewrite, AllParents, ConnectionReject, DelayDelivery,
	DnslistDefer, Etrn, HostLookupFailed, LostIncomingConnection,
	QueueRun, RetryDefer, SizeReject, SkipDelivery, SmtpConnection,
	SmtpIncompleteTransaction, SmtpProtocolError, SmtpSyntaxError,
}
