// Package acl evaluates Exim's access control lists (manual chapter
// "Access control lists"): verbs, conditions and modifiers, with the
// messages, logging and controls they produce. It knows nothing of SMTP:
// the server asks it for an Outcome and turns that into a reply.
package acl

// Where is the point at which an ACL runs (Exim's ACL_WHERE_*).
type Where int

const (
	WhereRCPT Where = iota
	WhereMAIL
	WherePredata
	WhereMIME
	WhereDKIM
	WhereDATA
	WherePRDR
	WhereNotSMTP
	WhereAUTH
	WhereConnect
	WhereETRN
	WhereEXPN
	WhereHELO
	WhereMAILAUTH
	WhereNotSMTPStart
	WhereNotQuit
	WhereQuit
	WhereSTARTTLS
	WhereVRFY
	WhereDelivery
	WhereUnknown
)

// whereNames are the names Exim uses in log lines ("rejected RCPT ...").
var whereNames = [...]string{
	"RCPT", "MAIL", "PREDATA", "MIME", "DKIM", "DATA", "PRDR", "non-SMTP",
	"AUTH", "connection", "ETRN", "EXPN", "EHLO or HELO", "MAILAUTH",
	"non-SMTP-start", "NOTQUIT", "QUIT", "STARTTLS", "VRFY", "delivery",
	"unknown",
}

// Name is the ACL's place as Exim names it in log lines.
func (w Where) Name() string { return whereNames[w] }

// RejectCode is the SMTP code a "deny" gives at this point: 550 mostly,
// 503 for AUTH, 458 for ETRN and 252 for VRFY.
func (w Where) RejectCode() string {
	switch w {
	case WhereAUTH:
		return "503"
	case WhereETRN:
		return "458"
	case WhereVRFY:
		return "252"
	}
	return "550"
}

// Option is the main configuration option that names this point's ACL.
func (w Where) Option() string {
	switch w {
	case WhereRCPT:
		return "acl_smtp_rcpt"
	case WhereMAIL:
		return "acl_smtp_mail"
	case WherePredata:
		return "acl_smtp_predata"
	case WhereMIME:
		return "acl_smtp_mime"
	case WhereDKIM:
		return "acl_smtp_dkim"
	case WhereDATA:
		return "acl_smtp_data"
	case WherePRDR:
		return "acl_smtp_data_prdr"
	case WhereNotSMTP:
		return "acl_not_smtp"
	case WhereAUTH:
		return "acl_smtp_auth"
	case WhereConnect:
		return "acl_smtp_connect"
	case WhereETRN:
		return "acl_smtp_etrn"
	case WhereEXPN:
		return "acl_smtp_expn"
	case WhereHELO:
		return "acl_smtp_helo"
	case WhereMAILAUTH:
		return "acl_smtp_mailauth"
	case WhereNotSMTPStart:
		return "acl_not_smtp_start"
	case WhereNotQuit:
		return "acl_smtp_notquit"
	case WhereQuit:
		return "acl_smtp_quit"
	case WhereSTARTTLS:
		return "acl_smtp_starttls"
	case WhereVRFY:
		return "acl_smtp_vrfy"
	}
	return ""
}

// DefaultAccepts tells what happens when the point has no ACL at all:
// RCPT, VRFY, EXPN and ETRN deny, the others accept.
func (w Where) DefaultAccepts() bool {
	switch w {
	case WhereRCPT, WhereVRFY, WhereEXPN, WhereETRN:
		return false
	}
	return true
}

// receivesMessage reports the ACLs concerned with receiving a message
// (where add_header, remove_header and discard are allowed).
func (w Where) receivesMessage() bool {
	switch w {
	case WhereMAIL, WhereRCPT, WherePredata, WhereDATA, WhereMIME, WhereDKIM,
		WherePRDR, WhereNotSMTP, WhereNotSMTPStart:
		return true
	}
	return false
}

// Result is an ACL's answer.
type Result int

const (
	OK Result = iota
	Fail
	Defer
	Error
	Discard
	FailDrop
)

func (r Result) String() string {
	switch r {
	case OK:
		return "ACCEPT"
	case Fail:
		return "DENY"
	case Defer:
		return "DEFER"
	case Error:
		return "ERROR"
	case Discard:
		return "DISCARD"
	case FailDrop:
		return "DROP"
	}
	return "?"
}
