package transport

import (
	"exigo/internal/conf"
	"exigo/internal/rewrite"
)

// headersRewrite reads the transport's headers_rewrite rules (checked
// by CheckGeneric when the configuration is read); nil when unset.
func headersRewrite(d *conf.Driver) *rewrite.Rules {
	if !d.IsSet("headers_rewrite") || d.String("headers_rewrite") == "" {
		return nil
	}
	rules, err := rewrite.ParseTransport(d.String("headers_rewrite"))
	if err != nil {
		return nil
	}
	return &rules
}

// rewriteHeader applies headers_rewrite to one header line as Exim's
// transport_headers_send does: no qualification at delivery time, and
// the spool keeps the line as it was.
func rewriteHeader(text string, o *WriteOptions) string {
	if o.HeadersRewrite == nil || o.HeadersRewrite.Exist&rewrite.HeaderFlag(text) == 0 {
		return text
	}
	e := &rewrite.Env{Ctx: o.Ctx}
	if o.Ctx != nil && o.Ctx.Vars != nil {
		e.QualifySender, _, _ = o.Ctx.Vars.Var("qualify_domain")
		e.QualifyRecipient, _, _ = o.Ctx.Vars.Var("qualify_recipient")
	}
	if o.Ctx != nil {
		e.Log, e.Panic = o.Ctx.Log, o.Ctx.Log
	}
	out, _ := e.Header(*o.HeadersRewrite, text, rewrite.Allow{})
	return out
}
