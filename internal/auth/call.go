package auth

import "bytes"

// Exchange is what the SMTP server gives the framework for one AUTH
// command.
type Exchange interface {
	// Challenge writes "334 " and the base64 of prompt, flushes, and reads
	// the client's answer line, returned without its line ending and not
	// decoded. At the end of the input it returns what it read, as Exim
	// carries on with that; an error means the line was longer than Exim's
	// buffer, which Exim answers as bad base64.
	Challenge(prompt []byte) (string, error)
	// Expand expands an option with $auth1 .. $auth4 set to the first four
	// of vals and the numbered variables $1 .. $n to all of them ($0
	// empty), as Exim has them while an authenticator runs. Vars helps.
	Expand(s string, vals []string) (string, error)
}

// Server is a driver's server side.
type Server interface {
	// Serve handles one AUTH command; data is the text after the mechanism
	// name (its initial response, still base64, "" when none).
	Serve(c *Call, data string) Result
}

// Call is one AUTH command being served: the data items received so far
// and the framework's helpers for drivers, which are Exim's auth_read_input,
// auth_prompt, auth_get_data and auth_check_serv_cond.
type Call struct {
	Instance *Instance
	x        Exchange
	sess     *Session
	vals     []string
}

// Items are the data items so far: $1 .. $n, the first four also $auth1..
func (c *Call) Items() []string { return c.vals }

// SetItems replaces the data items, for drivers that set $auth<n> themselves.
func (c *Call) SetItems(vals []string) { c.vals = vals }

// Expand expands s with the items as $auth<n> and $<n>.
func (c *Call) Expand(s string) (string, error) { return c.x.Expand(s, c.vals) }

// Defer records msg as the reason for the log line and returns Defer.
func (c *Call) Defer(msg string) Result {
	c.sess.deferMsg = msg
	return Defer
}

// ReadInitial takes the initial response of the AUTH command: "=" is one
// empty item, anything else is base64 split at NULs into items.
func (c *Call) ReadInitial(data string) Result {
	if data == "=" {
		c.vals = append(c.vals, "")
		return OK
	}
	clear, ok := Decode64(data)
	if !ok {
		return BadBase64
	}
	c.addItems(clear, false)
	return OK
}

// GetData sends a challenge and returns the client's raw answer line:
// Cancelled for "*", BadBase64 when the line was too long.
func (c *Call) GetData(challenge []byte) (string, Result) {
	line, err := c.x.Challenge(challenge)
	if err != nil {
		return "", BadBase64
	}
	if line == "*" {
		return "", Cancelled
	}
	return line, OK
}

// Prompt sends prompt as a challenge and adds the decoded answer's items
// (at least one: an empty answer is one empty item).
func (c *Call) Prompt(prompt string) Result {
	line, r := c.GetData([]byte(prompt))
	if r != OK {
		return r
	}
	clear, ok := Decode64(line)
	if !ok {
		return BadBase64
	}
	c.addItems(clear, true)
	return OK
}

// addItems splits decoded data at NULs; a NUL at the end makes no extra
// empty item.
func (c *Call) addItems(clear []byte, atLeastOne bool) {
	for first := atLeastOne; (first || len(clear) > 0) && len(c.vals) < MaxItems; first = false {
		item, rest, _ := bytes.Cut(clear, []byte{0})
		c.vals = append(c.vals, string(item))
		clear = rest
	}
}

// CheckServerCondition is the generic server_condition test, for every
// driver: unset passes; a forced expansion failure fails; another
// expansion failure defers; "", "0", "no", "false" fail; "1", "yes",
// "true" pass; any other value defers with that value as the text the
// client sees after "435 Unable to authenticate at present: ".
func (c *Call) CheckServerCondition() Result {
	return c.CheckCondition(c.Instance.ServerCondition, OK)
}

// CheckCondition applies the server_condition rules to another option;
// unset is the result when the option is not set.
func (c *Call) CheckCondition(cond Setting, unset Result) Result {
	if !cond.Set {
		return unset
	}
	v, err := c.Expand(cond.Text)
	if err != nil {
		if isForced(err) {
			return Fail
		}
		return c.Defer(err.Error())
	}
	switch {
	case v == "" || v == "0" || equalFold(v, "no") || equalFold(v, "false"):
		return Fail
	case v == "1" || equalFold(v, "yes") || equalFold(v, "true"):
		return OK
	}
	c.sess.deferMsg = v
	c.sess.deferUserMsg = ": " + v
	return Defer
}
