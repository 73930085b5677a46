package auth

import (
	"fmt"

	"exigo/internal/expand/funcs"
)

// Session is the authentication state Exim keeps for a whole SMTP
// connection in global variables. The defer texts outlive the AUTH
// command that set them: a later deferral that sets no text of its own
// repeats the old one, in the reply as well as in the log.
type Session struct {
	deferMsg     string // auth_defer_msg, for the log
	deferUserMsg string // auth_defer_user_msg, appended to the 435 reply
}

// NewSession starts a connection's state as Exim's globals start.
func NewSession() *Session { return &Session{deferMsg: "reason not recorded"} }

// Outcome is how an AUTH command ended.
type Outcome struct {
	// Result is the driver's result. It is OK even when server_set_id then
	// failed to expand: Exim answers 435 but writes no log line.
	Result Result
	// Authenticated: the client is now authenticated by this instance
	// ($sender_host_authenticated is its name, received_protocol gains the
	// "a", and AUTH may not be used again).
	Authenticated bool
	// ID is the new $authenticated_id when HasID: the expanded
	// server_set_id with unprintable bytes escaped.
	ID    string
	HasID bool
	// FailID is the new $authenticated_fail_id when HasFailID. As in Exim
	// it is the log text's suffix, " (set_id=<id>)", or "" for an empty id.
	FailID    string
	HasFailID bool
	// Reply is the SMTP reply line to send (no CRLF).
	Reply string
	// LogDetail is the reply as the log shows it: with the set id and the
	// deferral's reason.
	LogDetail string
}

// Authenticate runs inst's server side for one AUTH command (data is the
// text after the mechanism name) and works out the reply, the log text
// and the new $authenticated_id, as Exim's smtp_in_auth does. inst must
// have a Server (Find returns only those).
func (s *Session) Authenticate(inst *Instance, x Exchange, data string) Outcome {
	c := &Call{Instance: inst, x: x, sess: s}
	rc := inst.Server.Serve(c, data)
	setID, haveID := "", false
	if inst.SetID.Set {
		// Expanded whatever the result: a failed attempt logs the id too.
		v, err := c.Expand(inst.SetID.Text)
		if err == nil {
			setID, haveID = inst.printable(v), true
		} else if rc == OK {
			s.deferMsg = err.Error()
		}
	}
	return s.outcome(rc, inst.SetID.Set, setID, haveID)
}

func (s *Session) outcome(rc Result, setIDSet bool, setID string, haveID bool) Outcome {
	o := Outcome{Result: rc}
	if rc == OK && (!setIDSet || haveID) {
		o.Authenticated = true
		o.ID, o.HasID = setID, haveID
		o.Reply = "235 Authentication succeeded"
		o.LogDetail = o.Reply
		return o
	}
	suffix := ""
	if rc == OK {
		// server_set_id failed after success: Exim formats its NULL set id
		// (the text is never logged, as the result stays OK).
		suffix, rc = "NULL", Defer
	} else {
		if setID != "" {
			suffix = " (set_id=" + setID + ")"
		}
		// Exim sets $authenticated_fail_id to this suffix, even when empty,
		// on every failure whose reply could carry it.
		o.FailID, o.HasFailID = suffix, !isPlainReply(rc)
	}
	switch rc {
	case Defer:
		o.Reply = "435 Unable to authenticate at present" + s.deferUserMsg
		o.LogDetail = "435 Unable to authenticate at present" + suffix + ": " + s.deferMsg
	case BadBase64:
		o.Reply, o.LogDetail = "501 Invalid base64 data", "501 Invalid base64 data"
	case Cancelled:
		o.Reply, o.LogDetail = "501 Authentication cancelled", "501 Authentication cancelled"
	case Unexpected:
		o.Reply, o.LogDetail = "553 Initial data not expected", "553 Initial data not expected"
	case Fail:
		o.Reply = "535 Incorrect authentication data"
		o.LogDetail = o.Reply + suffix
	default:
		o.Reply = "435 Internal error"
		o.LogDetail = fmt.Sprintf("435 Internal error%s: return %d from authentication check", suffix, int(rc))
	}
	return o
}

// isPlainReply: the results whose replies carry no set id.
func isPlainReply(rc Result) bool { return rc == BadBase64 || rc == Cancelled || rc == Unexpected }

// FailureLog is the main and reject log line Exim writes when the driver
// did not return OK; hostAndIdent is Exim's host_and_ident text for the
// client ("(helo) [1.2.3.4]", "H=name (helo) [1.2.3.4]:port", ...). ok is
// false when nothing is logged.
func (o Outcome) FailureLog(inst *Instance, hostAndIdent string) (line string, ok bool) {
	if o.Result == OK {
		return "", false
	}
	return fmt.Sprintf("%s authenticator failed for %s: %s", inst.Name, hostAndIdent, o.LogDetail), true
}

// printable is Exim's string_printing of the set id: it goes into the
// spool file and log lines, so it must not hold newlines or NULs.
func (i *Instance) printable(s string) string {
	if i.topBitChars {
		return funcs.EscapeTopBit(s)
	}
	return funcs.Escape(s)
}
