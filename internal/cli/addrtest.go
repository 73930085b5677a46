package cli

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"exigo/internal/address"
	"exigo/internal/conf"
	"exigo/internal/dnsx"
	"exigo/internal/item"
	"exigo/internal/router"
)

// addressTest is -bt (address testing), -bv (recipient verification)
// and -bvs (sender verification): each address (command line items
// split at commas, or standard input lines) is routed and the outcome
// printed as Exim 4.96 prints it. The exit code is 2 if an address
// failed, else 1 if one could not be resolved, else 0.
func (r *run) addressTest() int {
	cfg, ok := r.configOrDie()
	if !ok {
		return 1
	}
	if err := router.Check(cfg); err != nil {
		fmt.Fprintf(r.stderr, "%s %v\n", logStamp(), err)
		return 1
	}
	t := &addrTester{run: r, cfg: cfg, dups: map[string]bool{}}
	if err := t.setup(); err != nil {
		fmt.Fprintf(r.stderr, "%s: %v\n", progName([]string{r.opts.Prog}), err)
		return 1
	}
	if len(r.opts.Args) > 0 {
		for _, arg := range r.opts.Args {
			for _, s := range splitAddressArg(arg) {
				t.test(s)
			}
		}
	} else {
		sc := bufio.NewScanner(r.stdin)
		for sc.Scan() {
			t.test(strings.TrimRight(sc.Text(), " \t\r"))
		}
	}
	return t.exit
}

// splitAddressArg splits one argument at the commas between addresses.
func splitAddressArg(s string) []string {
	var out []string
	for s != "" {
		end := address.FindEnd(s, false)
		out = append(out, s[:end])
		if end >= len(s) {
			break
		}
		s = strings.TrimLeft(s[end+1:], ", \t\r\n")
	}
	return out
}

// addrTester holds what the addresses of one run share.
type addrTester struct {
	run  *run
	cfg  *conf.Config
	env  *router.Env
	exit int
	// dups are the addresses already shown as routed (Exim's
	// tree_duplicates, which lasts the whole run).
	dups map[string]bool
}

func (t *addrTester) setup() error {
	r := t.run
	ctx := r.expandContext(t.cfg)
	if r.opts.Sender == nil {
		// Exim tests with the caller as the sender.
		ctx.Vars = senderVars{base: ctx.Vars, sender: currentLogin() + "@" + t.cfg.QualifyDomain()}
	}
	logf, panicf := t.logWriters()
	ctx.Log = logf
	ctx.Lists.Log = logf
	t.env = &router.Env{Config: t.cfg, Ctx: ctx, Resolver: dnsx.Default(), Log: logf, PanicLog: panicf}
	if r.opts.Mode == ModeAddrTest || r.opts.DebugOn {
		t.env.DebugPrint = r.stderr // -bt debugs at level "v"
	}
	switch r.opts.Mode {
	case ModeAddrTest:
		t.env.Test = true
		t.env.Recipient = true
	case ModeVerify:
		t.env.Verify = true
		t.env.Recipient = !r.opts.VerifySender
	}
	return nil
}

// logWriters are Exim's log lines while testing addresses: written to
// standard error, not to the log files; -bt (which debugs at level "v")
// shows them as debug output ("LOG: MAIN" and the line indented), -bv
// as they would appear in the log.
func (t *addrTester) logWriters() (main, panic func(string)) {
	w := t.run.stderr
	if t.run.opts.Mode == ModeAddrTest || t.run.opts.DebugOn {
		return func(line string) { fmt.Fprintf(w, "LOG: MAIN\n  %s\n", line) },
			func(line string) { fmt.Fprintf(w, "LOG: MAIN PANIC\n  %s\n", line) }
	}
	plain := func(line string) { fmt.Fprintf(w, "%s %s\n", logStamp(), line) }
	return plain, plain
}

// senderVars gives $sender_address a value.
type senderVars struct {
	base interface {
		Var(string) (string, bool, bool)
	}
	sender string
}

func (v senderVars) Var(name string) (string, bool, bool) {
	if name == "sender_address" {
		return v.sender, true, true
	}
	return v.base.Var(name)
}

// test is Exim's test_address for one address.
func (t *addrTester) test(s string) {
	w := t.run.stdout
	p, err := address.Extract(s)
	if err != nil {
		fmt.Fprintf(w, "syntax error: %s\n", err)
		t.exit = 2
		return
	}
	full := t.env.Test || t.run.opts.DebugOn
	res := router.Walk(t.env, p.Address, router.WalkOptions{Qualify: true, FullInfo: full})
	if full {
		t.printFull(w, res)
	} else {
		t.printShort(w, res)
	}
	switch {
	case res.Status == item.Fail:
		t.exit = 2
	case res.Status == item.Defer && t.exit == 0:
		t.exit = 1
	}
}

// printShort is -bv's one line.
func (t *addrTester) printShort(w io.Writer, res *router.WalkResult) {
	switch res.Status {
	case item.OK:
		fmt.Fprintf(w, "%s verified\n", res.Address)
	case item.Fail:
		fmt.Fprintf(w, "%s failed to verify%s\n", res.Address, errorText(res.Top, false))
	default:
		fmt.Fprintf(w, "%s cannot be resolved at this time%s\n", res.Address, errorText(res.Top, true))
	}
}

// errorText is ": message" as Exim shows it to an administrator; a
// failure's message may be empty (":fail:" with no text), a deferral
// without one is an "unknown error".
func errorText(a *item.Address, deferred bool) string {
	if deferred && a.Message == "" {
		return ": unknown error"
	}
	return ": " + a.Message
}

// printFull is -bt's report: the failures, deferrals, pipes and files as
// they happened, then every routed address with its router, transport
// and hosts.
func (t *addrTester) printFull(w io.Writer, res *router.WalkResult) {
	for _, ev := range res.Events {
		a := ev.Addr
		switch ev.Kind {
		case router.EventPipeFile:
			t.printPipeFile(w, a)
		case router.EventFail:
			fmt.Fprintf(w, "%s is undeliverable%s%s\n", a.Address, errorText(a, false), parents(a))
		case router.EventDefer:
			fmt.Fprintf(w, "%s cannot be resolved at this time%s%s\n", a.Address, errorText(a, true), parents(a))
		}
	}
	if res.Discarded {
		fmt.Fprintf(w, "mail to %s is discarded\n", res.Address)
		return
	}
	for _, list := range [][]*item.Address{res.Local, res.Remote} {
		for _, a := range list {
			t.printRouted(w, a)
		}
	}
}

// parents is the "<-- parent" lines of a generated address.
func parents(a *item.Address) string {
	var b strings.Builder
	for p := a.Parent; p != nil; p = p.Parent {
		b.WriteString("\n    <-- " + p.Address)
	}
	return b.String()
}

func (t *addrTester) printPipeFile(w io.Writer, a *item.Address) {
	fmt.Fprintf(w, "%s -> %s", a.Parent.Address, a.Address)
	switch {
	case a.BasicErrno == item.ErrnoBadTransport:
		fmt.Fprintf(w, "\n*** Error in setting up pipe, file, or autoreply:\n%s\n", a.Message)
	case a.Forbidden:
		fmt.Fprintf(w, " *** forbidden ***\n")
	default:
		fmt.Fprintf(w, "\n  transport = %s\n", a.Transport)
	}
}

func (t *addrTester) printRouted(w io.Writer, a *item.Address) {
	fmt.Fprint(w, a.Address)
	if t.dups[a.Unique] {
		fmt.Fprint(w, "   [duplicate, would not be delivered]")
	} else {
		t.dups[a.Unique] = true
	}
	tp := a.Transport
	if tp == "" {
		tp = "unset"
	}
	fmt.Fprintf(w, "%s\n  router = %s, transport = %s\n", parents(a), a.Router, tp)
	tr := t.cfg.Transport(a.Transport)
	if len(a.Hosts) == 0 || tr == nil || overridesHosts(tr) {
		return
	}
	printHosts(w, a.Hosts, tr.Driver != "smtp")
}

// overridesHosts: an smtp transport with hosts and hosts_override set
// ignores the router's hosts.
func overridesHosts(tr *conf.Driver) bool {
	return tr.Driver == "smtp" && tr.Bool("hosts_override") && tr.IsSet("hosts")
}

// printHosts writes the host lines, names and addresses padded to the
// longest; a local transport's unresolved host shows no "[unknown]".
func printHosts(w io.Writer, hosts []item.Host, local bool) {
	maxName, maxAddr := 0, 0
	for _, h := range hosts {
		maxName = max(maxName, len(h.Name))
		if h.Address != "" {
			maxAddr = max(maxAddr, len(h.Address))
		} else {
			maxAddr = max(maxAddr, 7)
		}
	}
	for _, h := range hosts {
		var b strings.Builder
		b.WriteString("  host " + h.Name + " " + strings.Repeat(" ", maxName-len(h.Name)))
		n := 0
		switch {
		case h.Address != "":
			b.WriteString("[" + h.Address + "]")
			n = len(h.Address)
		case !local:
			b.WriteString("[unknown]")
			n = 7
		default:
			n = -2
		}
		b.WriteString(strings.Repeat(" ", maxAddr-n))
		if h.MX >= 0 {
			fmt.Fprintf(&b, " MX=%d", h.MX)
		}
		if h.Port != 0 {
			fmt.Fprintf(&b, " port=%d", h.Port)
		}
		if h.Unusable {
			b.WriteString(" ** unusable **")
		}
		fmt.Fprintln(w, b.String())
	}
}
