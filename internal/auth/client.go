package auth

import "fmt"

// ClientExchange is what the smtp transport gives a client authenticator.
type ClientExchange interface {
	// Send writes one command line (no CRLF) and flushes.
	Send(line string) error
	// Read reads the server's response as Exim's smtp_read_response keeps
	// it ("334 VXNlcm5hbWU6"; the lines of a multi-line response joined
	// with "\n"); an error is a timeout or a lost connection.
	Read() (string, error)
	// Expand expands an option with $auth1 .. $auth4 set to the first four
	// of vals (the server's decoded prompts so far).
	Expand(s string, vals []string) (string, error)
}

// Client is a driver's client side.
type Client interface {
	Authenticate(c *ClientCall) ClientOutcome
}

// ClientOutcome is how a client attempt ended: OK, Fail (the server said
// no, or reading failed: Err set), FailSend (writing failed), Cancelled
// (an expansion was forced to fail, or the server's prompt was not base64:
// Message says which) or Error (a local problem, in Message).
type ClientOutcome struct {
	Result Result
	// Message is Exim's buffer after the attempt: the server's last
	// response, or the text of a local problem, or "" for a forced failure.
	Message string
	Err     error
}

// ClientCall is one client attempt: the instance, the exchange and the
// server prompts received so far ($auth1 .. $auth4).
type ClientCall struct {
	Instance *Instance
	X        ClientExchange
	// IgnoreBadBase64 is the driver's client_ignore_invalid_base64.
	IgnoreBadBase64 bool
	vals            []string
	sent            bool // the AUTH command has gone
}

// NewClientCall starts an attempt for the smtp transport.
func NewClientCall(inst *Instance, x ClientExchange) *ClientCall {
	return &ClientCall{Instance: inst, X: x}
}

// Prompts are the server prompts so far, decoded.
func (c *ClientCall) Prompts() []string { return c.vals }

// Item expands one item, turns ^ into NUL (^^ into ^), and sends it: with
// the AUTH command the first time, alone after that. It is Exim's
// auth_client_item. done is false when the server answered 3xx and wants
// more; prompt is then its decoded challenge, also kept for $auth<n>, and
// out.Message the raw response.
func (c *ClientCall) Item(item string) (out ClientOutcome, prompt string, done bool) {
	v, err := c.X.Expand(item, c.vals)
	if err != nil {
		return c.expandFailed(item, err), "", true
	}
	data := Encode64(caretsToNUL(v))
	line := data
	if !c.sent {
		line = "AUTH " + c.Instance.PublicName
		if data != "" {
			line += " " + data
		}
	}
	c.sent = true
	if err := c.X.Send(line); err != nil {
		return ClientOutcome{Result: FailSend, Err: err}, "", true
	}
	resp, err := c.X.Read()
	if err != nil {
		return ClientOutcome{Result: Fail, Message: resp, Err: err}, "", true
	}
	if len(resp) > 0 && resp[0] == '2' {
		return ClientOutcome{Result: OK, Message: resp}, "", true
	}
	if len(resp) == 0 || resp[0] != '3' {
		return ClientOutcome{Result: Fail, Message: resp}, "", true
	}
	return c.challenge(resp)
}

// challenge decodes a 3xx response's text for the next item.
func (c *ClientCall) challenge(resp string) (ClientOutcome, string, bool) {
	text := ""
	if len(resp) > 4 {
		text = resp[4:]
	}
	clear, ok := Decode64(text)
	if !ok {
		if !c.IgnoreBadBase64 {
			c.abandon()
			return ClientOutcome{Result: Cancelled,
				Message: fmt.Sprintf("Invalid base64 string in server response \"%s\"", resp)}, "", true
		}
		clear = nil
	}
	prompt := cString(clear)
	if len(c.vals) < AuthVars {
		c.vals = append(c.vals, prompt)
	}
	return ClientOutcome{Message: resp}, prompt, false
}

// expandFailed: a forced failure abandons the attempt quietly, another
// failure is a local error. Past the AUTH command the server is told
// with "*".
func (c *ClientCall) expandFailed(item string, err error) ClientOutcome {
	if c.sent {
		c.abandon()
	}
	if isForced(err) {
		return ClientOutcome{Result: Cancelled}
	}
	return ClientOutcome{Result: Error, Message: fmt.Sprintf("expansion of \"%s\" failed in %s authenticator: %s",
		item, c.Instance.Name, err.Error())}
}

// abandon sends "*" and reads the answer, ignoring what happens.
func (c *ClientCall) abandon() {
	if c.X.Send("*") == nil {
		_, _ = c.X.Read()
	}
}

// caretsToNUL is client_send's escape: a lone ^ is a NUL, ^^ is ^. The
// doubling is read left to right, so "^^^" is "^" and a NUL.
func caretsToNUL(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] != '^':
			out = append(out, s[i])
		case i+1 < len(s) && s[i+1] == '^':
			out = append(out, '^')
			i++
		default:
			out = append(out, 0)
		}
	}
	return out
}

// cString is the decoded prompt as C sees it: up to the first NUL.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
