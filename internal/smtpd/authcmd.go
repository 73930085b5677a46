package smtpd

import (
	"fmt"
	"strconv"
	"strings"

	"exigo/internal/acl"
	"exigo/internal/auth"
)

// cmdAuth handles AUTH: it may come once, outside a transaction, for an
// advertised mechanism; the ACL for AUTH runs first.
func (s *session) cmdAuth() int {
	s.had("AUTH")
	s.authFailID = ""
	_, unadvertisedOK := s.state.Control("allow_auth_unadvertised")
	if !s.authAdvertised && !unadvertisedOK {
		return s.synprotError(false, 503, "", "AUTH command used when not advertised")
	}
	if s.authName != "" {
		return s.synprotError(false, 503, "", "already authenticated")
	}
	if s.sender != nil {
		return s.synprotError(false, 503, "", "not permitted in mail transaction")
	}
	if s.srv.Config.IsSet("acl_smtp_auth") {
		if next, refused := s.aclRefuses(acl.WhereAUTH, ""); refused {
			return next
		}
	}
	mech, data, ok := auth.ParseCommand(s.data)
	if !ok {
		return s.synprotError(true, 501, "", "invalid character in authentication mechanism name")
	}
	inst := auth.Find(s.srv.Auths, mech, func(i *auth.Instance) bool { return s.advertisedAuths[i] }, unadvertisedOK)
	if inst == nil {
		return s.synprotError(false, 504, "", mech+" authentication mechanism not supported")
	}
	if s.authSess == nil {
		s.authSess = auth.NewSession()
	}
	out := s.authSess.Authenticate(inst, authExchange{s}, data)
	clearAuthVars(s.state.Vars)
	s.printf("%s\r\n", out.Reply)
	if out.HasFailID {
		s.authFailID = out.FailID
	}
	if out.Authenticated {
		s.authName = inst.Name
		s.authPubName = inst.PublicName
		if out.HasID {
			s.authID = out.ID
		}
		s.protocol = s.protocolName()
		return goOn
	}
	if line, ok := out.FailureLog(inst, s.hostAndIdent(false)); ok {
		s.logMainReject(s.logID(), line, nil)
	}
	return goOn
}

// authExchange lets an authenticator talk to the client.
type authExchange struct{ s *session }

func (x authExchange) Challenge(prompt []byte) (string, error) {
	s := x.s
	s.printf("334 %s\r\n", auth.Encode64(prompt))
	s.w.Flush()
	line, long, err := s.readLine(maxCommandLine)
	if long {
		return "", fmt.Errorf("line too long")
	}
	if err != nil {
		return "", nil
	}
	return strings.TrimRight(line, "\r"), nil
}

func (x authExchange) Expand(str string, vals []string) (string, error) {
	v := x.s.state.Vars
	clearAuthVars(v)
	for i, val := range vals {
		if i < auth.AuthVars {
			v["auth"+strconv.Itoa(i+1)] = val
		}
	}
	return x.s.ctx.Expand(str)
}

// clearAuthVars removes $auth1 .. $auth4, which authExchange.Expand puts
// in the session's variables only for the AUTH command that runs.
func clearAuthVars(v map[string]string) {
	for i := 1; i <= auth.AuthVars; i++ {
		delete(v, "auth"+strconv.Itoa(i))
	}
}
