package smtp

import (
	"fmt"
	"strings"

	"exigo/internal/auth"
	"exigo/internal/item"
	"exigo/internal/smtpclient"
)

// clientAuth is Exim's smtp_auth: when the server offers AUTH and the
// host is in hosts_require_auth or hosts_try_auth, try our client
// authenticators in configuration order against the server's mechanisms.
// A host that requires authentication and did not get it defers.
func (d *delivery) clientAuth(s *session) int {
	require := d.hostMatch(d.o.requireAuth, s.host)
	why := "server did not advertise AUTH support"
	if s.esmtp && s.peer.auth != "" && (require || d.hostMatch(d.o.tryAuth, s.host)) {
		insts, err := d.t.authenticators(d.env.Config)
		if err != nil {
			d.setErrno(0, item.ErrnoAuthProb, err.Error(), stDefer, false, nil)
			return rcError
		}
		why = "no common mechanisms were found"
		offered := strings.Fields(s.peer.auth)
		for _, inst := range insts {
			if s.authenticated {
				break
			}
			if inst.Client == nil || !d.clientCondition(inst) || !offers(offered, inst.PublicName) {
				continue
			}
			why = "authentication attempt(s) failed"
			if rc := d.tryAuthenticator(s, inst); rc != rcOK {
				return rc
			}
		}
	}
	if require && !s.authenticated {
		d.setErrno(0, item.ErrnoAuthFail, "authentication required but "+why, stDefer, false, nil)
		return rcDefer
	}
	return rcOK
}

func offers(mechs []string, name string) bool {
	for _, m := range mechs {
		if strings.EqualFold(m, name) {
			return true
		}
	}
	return false
}

// clientCondition is client_condition: unset passes; a false or failed
// expansion skips the authenticator.
func (d *delivery) clientCondition(inst *auth.Instance) bool {
	if !inst.ClientCondition.Set {
		return true
	}
	ok, err := d.ctx.Condition(inst.ClientCondition.Text)
	return err == nil && ok
}

// tryAuthenticator is try_authenticator: run one client and act on its
// result. A 5xx refusal is logged and the next authenticator tried; a
// broken connection or a local error ends the attempt at this host.
func (d *delivery) tryAuthenticator(s *session, inst *auth.Instance) int {
	x := &exchange{d: d, s: s}
	s.conn.Authenticating = true
	out := inst.Client.Authenticate(auth.NewClientCall(inst, x))
	s.conn.Authenticating = false
	h := s.host
	switch out.Result {
	case auth.OK:
		s.authenticated, s.authenticator = true, inst.Name
		if inst.ClientSetID.Set {
			s.authID, _ = d.expand(inst.ClientSetID.Text)
		}
	case auth.FailSend:
		f := d.sendFailed(s, out.Err)
		return d.authFailed(s, f)
	case auth.Fail:
		if out.Err != nil || !strings.HasPrefix(out.Message, "5") {
			return d.authFailed(s, d.checkResponse(s, smtpclient.Errno(out.Err), out.Message))
		}
		d.logMain(fmt.Sprintf("%s authenticator failed H=%s [%s] %s", inst.Name, h.Name, h.Address, out.Message))
	case auth.Cancelled:
		if out.Message != "" {
			d.logMain(fmt.Sprintf("%s authenticator cancelled authentication H=%s [%s] %s",
				inst.Name, h.Name, h.Address, out.Message))
		}
	case auth.Error:
		d.setErrno(0, item.ErrnoAuthProb, out.Message, stDefer, false, nil)
		return rcError
	}
	return rcOK
}

// authFailed handles a broken exchange as the setup's FAILED label.
func (d *delivery) authFailed(s *session, f *failure) int {
	d.setErrno(0, f.errno, f.msg, stDefer, f.pass, s)
	s.sendQuit = f.sendQuit
	return rcDefer
}

// exchange gives the authenticator the connection.
type exchange struct {
	d *delivery
	s *session
}

func (x *exchange) Send(line string) error {
	_, err := x.s.write(smtpclient.Flush, line)
	return err
}

func (x *exchange) Read() (string, error) { return x.s.read() }

func (x *exchange) Expand(s string, vals []string) (string, error) {
	c := *x.d.ctx
	c.Vars = auth.Vars(c.Vars, vals)
	return c.Expand(s)
}
