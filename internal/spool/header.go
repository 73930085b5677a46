package spool

import "time"

// Var is a string variable of the -H file. Exim 4.96 writes "--name" for
// tainted values (data that came from outside, such as the HELO name) and
// "--(quoter)name" for values quoted for a lookup. An empty Value is unset.
type Var struct {
	Value   string
	Tainted bool
	Quoter  string // lookup quoter name; implies Tainted
}

// Clean is an untainted variable.
func Clean(s string) Var { return Var{Value: s} }

// Tainted is a tainted variable.
func Tainted(s string) Var { return Var{Value: s, Tainted: true} }

// ACLVar is an ACL variable kept with the message: Name is the variable
// name without "acl_" ("c_foo", "m0").
type ACLVar struct {
	Name string
	Var
}

// DSN flags of a recipient (Exim's rf_* bits).
const (
	DSNLastHop       = 0x01
	DSNNotifyNever   = 0x02
	DSNNotifySuccess = 0x04
	DSNNotifyFailure = 0x08
	DSNNotifyDelay   = 0x10
)

// Recipient is one envelope recipient.
type Recipient struct {
	Address  string
	ErrorsTo string // errors_to of a one_time redirection, "" when none
	ORCPT    string // the DSN ORCPT value as given ("rfc822;a@b.c")
	DSNFlags int
	// OneTimeParent is 1 + the index in Recipients of the address a
	// one_time redirect router replaced by this one; 0 when there is none
	// (Exim's pno = OneTimeParent-1).
	OneTimeParent int
}

// Header line types (the character after the length in the -H file).
const (
	HeaderOther     = ' '
	HeaderOld       = '*' // deleted or rewritten: kept, not transmitted
	HeaderBcc       = 'B'
	HeaderCc        = 'C'
	HeaderFrom      = 'F'
	HeaderMessageID = 'I'
	HeaderReceived  = 'P'
	HeaderReplyTo   = 'R'
	HeaderSender    = 'S'
	HeaderTo        = 'T'
)

// HeaderLine is one message header; Text includes the name and the final
// newline, and continuation lines with their newlines.
type HeaderLine struct {
	Type byte
	Text string
}

// Header is the content of a -H file.
type Header struct {
	ID               string
	Originator       string // login of the caller
	UID, GID         int
	Sender           string // "" for <>
	Received         time.Time
	ReceivedComplete time.Time // zero: written as Received
	WarningCount     int

	HeloName         Var
	HostAddress      Var // without the port
	HostPort         int
	HostName         Var
	HostAuth         Var // the authenticator's driver name
	HostAuthPubname  Var
	InterfaceAddress Var
	InterfacePort    int
	ActiveHostname   Var // when it differs from primary_hostname
	Ident            Var
	ReceivedProtocol Var
	ACLVars          []ACLVar // in creation order (file order when read)

	DebugSelector uint32 // written with DebugLogName
	DebugLogName  string

	Wireformat            bool // -D has CRLF line ends (CHUNKING)
	BodyLinecount         int
	MaxReceivedLinelength int
	BodyZerocount         int

	AuthID     Var
	AuthSender Var

	AllowUnqualifiedRecipient bool
	AllowUnqualifiedSender    bool
	DeliverFirsttime          bool
	Frozen                    bool
	FrozenAt                  time.Time
	DontDeliver               bool // -N
	HostLookupDeferred        bool
	HostLookupFailed          bool
	Local                     bool
	LocalError                bool
	LocalScan                 Var
	SpamBar                   Var
	SpamScore                 Var
	SpamScoreInt              Var
	ManualThaw                bool
	SenderSetUntrusted        bool

	TLSCertificateVerified bool
	TLSCipher              Var
	TLSPeerCert            string // exported certificate, always tainted
	TLSPeerDN              Var    // as printed (string_printing) in the file
	TLSSNI                 Var    // as printed in the file
	TLSOurCert             string
	TLSOCSP                int
	// TLSResumption holds the resumption bits; Exim built with TLS
	// resumption, as Debian's is, always writes this line.
	TLSResumption   int
	NoTLSResumption bool // omit the line (files of builds without it)
	TLSVer          Var
	SMTPUTF8        bool
	UTF8Downconvert int // 1: -utf8_downcvt, -1: -utf8_optdowncvt
	DSNEnvID        string
	DSNRet          int
	NonRecipients   *AddrTree // nil when empty
	Recipients      []Recipient
	Headers         []HeaderLine
	BodySize        int64 // -D size less its id line; set by ReadHeader and Commit
}

// HeadersSize is the size of the transmitted headers, as Exim counts it.
func (h *Header) HeadersSize() int64 {
	var n int64
	for _, l := range h.Headers {
		if l.Type != HeaderOld {
			n += int64(len(l.Text))
		}
	}
	return n
}

// Size is the message size as Exim reports it (S= and -bp): headers plus
// body plus one for the blank line between them.
func (h *Header) Size() int64 {
	return h.HeadersSize() + h.BodySize + 1
}

// Delivered reports whether address is in the non-recipients tree.
func (h *Header) Delivered(address string) bool {
	return h.NonRecipients.Contains(address)
}
