package cli

import (
	"exigo/internal/acl"
	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/router"
	"exigo/internal/smtpd"
)

// newVerifier routes addresses through the configuration's routers in
// verify mode for ACL verify conditions and VRFY.
func newVerifier(cfg *conf.Config) smtpd.VerifyFunc {
	return func(ctx *expand.Context, addr string, recipient bool) (acl.Result, string) {
		res, msg := router.Verify(cfg, ctx, addr, recipient)
		switch res {
		case router.OK:
			return acl.OK, ""
		case router.Defer:
			return acl.Defer, msg
		}
		return acl.Fail, msg
	}
}
