package plaintext

import (
	"exigo/internal/auth"
	"exigo/internal/conf"
	"exigo/internal/lists"
)

// client: setting client_send is what makes a plaintext client.
type client struct {
	send     string // client_send, split before its items are expanded
	ignore64 bool   // client_ignore_invalid_base64
}

func newClient(d *conf.Driver) (auth.Client, error) {
	if !d.IsSet("client_send") {
		return nil, nil
	}
	return &client{send: d.String("client_send"), ignore64: d.Bool("client_ignore_invalid_base64")}, nil
}

// Authenticate sends client_send's items one by one: the first with the
// AUTH command, each next one in answer to a 3xx prompt. If the server is
// still prompting when the items run out, Exim stops with FAIL and the
// prompt's response as the message (it sends no "*": the check it has
// for that never fires, as its list reader does not leave the NULL it
// tests for).
func (cl *client) Authenticate(c *auth.ClientCall) auth.ClientOutcome {
	c.IgnoreBadBase64 = cl.ignore64
	it := lists.NewIter(cl.send)
	last := auth.ClientOutcome{Result: auth.Fail}
	for {
		item, ok := it.Next()
		if !ok {
			return last
		}
		out, _, done := c.Item(item)
		if done {
			return out
		}
		last.Message = out.Message
	}
}
