package acl

import (
	"strings"

	"exigo/internal/hints"
	"exigo/internal/ratelimit"
)

// State is what ACLs leave behind in an SMTP session: variables set by
// conditions, controls, and header changes waiting for the message.
// The session owns it; message-level parts are cleared by ResetMessage.
type State struct {
	// Vars are the variables ACL processing sets ($acl_verify_message,
	// $dnslist_*, $sender_rate*, $acl_arg*, ...). The session's expansion
	// Vars must consult them first.
	Vars map[string]string
	// Controls maps a control's name to its options ("" when none); the
	// names in sessionControls last for the connection.
	Controls map[string]string
	// AddHeaders and RemoveHeaders wait to be applied to the message.
	AddHeaders    []AddedHeader
	RemoveHeaders []string
	// Queue is the named queue a "queue" modifier chose.
	Queue string

	// SenderFailure is set when sender verification failed; the server
	// reports it before the reply.
	SenderFailure *SenderFailure

	warnLogged     map[string]bool
	senderVerified map[string]*SenderFailure

	// dnsbl caches DNS list lookups for the connection (by query name).
	dnsbl map[string]*dnsblEntry
	// rates are the ratelimit condition's per-connection, -message and
	// -command results.
	rates  ratelimit.Session
	rateDB *hints.DB // opened on first use; see Close
}

// AddedHeader is a header line an ACL asked for, with its place.
type AddedHeader struct {
	Text     string // "Name: value\n", folding kept
	Position string // "", "at_start", "at_start_rfc", "after_received", "at_end"
}

// NewState returns an empty session state.
func NewState() *State {
	return &State{Vars: map[string]string{}, Controls: map[string]string{}, warnLogged: map[string]bool{}}
}

// sessionControls last for the whole connection; others only for the
// message being received.
var sessionControls = map[string]bool{
	"allow_auth_unadvertised": true, "no_multiline_responses": true,
	"no_pipelining": true, "enforce_sync": true, "no_enforce_sync": true,
	"no_delay_flush": true, "no_callout_flush": true,
}

// ResetMessage forgets what belonged to the last message (Exim's
// smtp_reset): message-level controls, pending header changes, warn
// de-duplication and per-message variables.
func (s *State) ResetMessage() {
	for name := range s.Controls {
		if !sessionControls[name] {
			delete(s.Controls, name)
		}
	}
	s.AddHeaders, s.RemoveHeaders, s.Queue = nil, nil, ""
	s.warnLogged = map[string]bool{}
	s.senderVerified, s.SenderFailure = nil, nil
	// Exim's smtp_reset forgets these; $dnslist_text and $dnslist_value
	// survive into the next message.
	for _, name := range []string{"dnslist_domain", "dnslist_matched", "sender_rate", "sender_rate_limit", "sender_rate_period"} {
		delete(s.Vars, name)
	}
	s.rates.NewMessage()
}

// Control reports whether a control is set, and its options.
func (s *State) Control(name string) (string, bool) {
	v, ok := s.Controls[name]
	return v, ok
}

// HeadersAdded is $headers_added: the pending added header lines.
func (s *State) HeadersAdded() string {
	var b strings.Builder
	for i, h := range s.AddHeaders {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimRight(h.Text, "\n"))
	}
	return b.String()
}

// TakeHeaders returns and clears the pending header changes (they are
// applied to the message before the DATA ACL, then again after it).
func (s *State) TakeHeaders() ([]AddedHeader, []string) {
	a, r := s.AddHeaders, s.RemoveHeaders
	s.AddHeaders, s.RemoveHeaders = nil, nil
	return a, r
}
