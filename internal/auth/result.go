// Package auth is Exim's SMTP authenticator framework (manual chapter "SMTP
// authentication"): the instances of "begin authenticators", what EHLO
// advertises, the generic server options (server_condition, server_set_id,
// server_advertise_condition) and the replies and log lines an AUTH
// command ends with. Drivers (plaintext, later cram_md5 and dovecot)
// register themselves from their own packages.
package auth

import "strconv"

// Result is what an authenticator returns. The values are Exim's own
// return codes because Exim prints the number in one log text ("return %d
// from authentication check").
type Result int

const (
	OK         Result = 0  // authenticated
	Defer      Result = 1  // 435 Unable to authenticate at present
	Fail       Result = 2  // 535 Incorrect authentication data
	Error      Result = 3  // 435 Internal error (server); local problem (client)
	BadBase64  Result = 11 // 501 Invalid base64 data
	Unexpected Result = 12 // 553 Initial data not expected
	Cancelled  Result = 13 // 501 Authentication cancelled (the client sent "*")
	FailSend   Result = 14 // client side: writing a command failed
)

var resultNames = map[Result]string{
	OK: "OK", Defer: "DEFER", Fail: "FAIL", Error: "ERROR", BadBase64: "BAD64",
	Unexpected: "UNEXPECTED", Cancelled: "CANCELLED", FailSend: "FAIL_SEND",
}

func (r Result) String() string {
	if s, ok := resultNames[r]; ok {
		return s
	}
	return strconv.Itoa(int(r))
}

// MaxItems is how many data items an AUTH exchange keeps ($1 .. $20,
// Exim's EXPAND_MAXN); AuthVars how many of them are also $auth1.. $auth4.
const (
	MaxItems = 20
	AuthVars = 4
)
