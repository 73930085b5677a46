// Package plaintext is Exim's plaintext authenticator (manual chapter "The
// plaintext authenticator"): PLAIN, LOGIN and the like, server and client.
// Importing it registers the driver.
package plaintext

import (
	"exigo/internal/auth"
	"exigo/internal/conf"
	"exigo/internal/lists"
)

func init() {
	auth.Register("plaintext", newServer)
	auth.RegisterClient("plaintext", newClient)
	conf.MarkImplemented(conf.KindAuthenticator, "plaintext",
		"server_prompts", "client_send", "client_ignore_invalid_base64")
}

// server: setting server_condition is what makes a plaintext server.
type server struct {
	prompts auth.Setting // server_prompts, expanded for each AUTH
}

func newServer(d *conf.Driver) (auth.Server, error) {
	if !d.IsSet("server_condition") {
		return nil, nil
	}
	return &server{prompts: auth.Setting{Text: d.String("server_prompts"), Set: d.IsSet("server_prompts")}}, nil
}

// Serve takes the items of the initial response, prompts for as many more
// as server_prompts has entries beyond those, then tests server_condition.
func (s *server) Serve(c *auth.Call, data string) auth.Result {
	prompts := ""
	if s.prompts.Set {
		v, err := c.Expand(s.prompts.Text)
		if err != nil {
			return c.Defer(err.Error()) // a forced failure defers too
		}
		prompts = v
	}
	if data != "" {
		if r := c.ReadInitial(data); r != auth.OK {
			return r
		}
	}
	it := lists.NewIter(prompts)
	// A prompt is skipped when its item has already arrived; an answer
	// with NULs in it counts for as many prompts as it has items.
	for number := 1; len(c.Items()) < auth.MaxItems; number++ {
		p, ok := it.Next()
		if !ok {
			break
		}
		if number > len(c.Items()) {
			if r := c.Prompt(p); r != auth.OK {
				return r
			}
		}
	}
	return c.CheckServerCondition()
}
