package cli

import (
	"fmt"

	"exigo/internal/eximlog"
	"exigo/internal/rewrite"
)

// rewriteTest is -brw: how the rewrite section treats one address in
// each header and envelope field, printed as Exim 4.96 prints it.
func (r *run) rewriteTest() int {
	cfg, ok := r.configOrDie()
	if !ok {
		return 1
	}
	rules, err := rewrite.FromConfig(cfg.Rewrite)
	if err != nil {
		fmt.Fprintf(r.stderr, "%s %v\n", logStamp(), err)
		return 1
	}
	ctx := r.expandContext(cfg)
	logf := func(line string) { fmt.Fprintf(r.stderr, "%s %s\n", logStamp(), line) }
	sel, _ := eximlog.ParseSelector(cfg.String("log_selector"))
	e := &rewrite.Env{
		Ctx: ctx, QualifySender: cfg.QualifyDomain(), QualifyRecipient: cfg.QualifyRecipient(),
		LogRewrites: sel.Has(eximlog.AddressRewrite), Log: logf, Panic: logf,
	}
	e.Test(r.stdout, rules, r.opts.RewriteAddr)
	return 0
}
