package cli

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/smtpd"
)

// hostCheck is -bh IP: an SMTP session on standard input and output as
// if from that host, with every ACL run and nothing spooled.
func (r *run) hostCheck() int {
	cfg, ok := r.configOrDie()
	if !ok {
		return 1
	}
	if len(r.opts.Args) == 0 {
		fmt.Fprintf(r.stderr, "exigo abandoned: -bh requires an IP address argument\n")
		return 1
	}
	remote, err := parseHostPort(r.opts.Args[0])
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo abandoned: %s\n", err)
		return 1
	}
	if err := setupResolver(cfg); err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	srv, err := r.newServer(cfg, true)
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	fmt.Fprintf(r.stdout, "\n**** SMTP testing session as if from host %s\n**** but without any ident (RFC 1413) callback.\n**** This is not for real!\n\n", remote.Addr())
	local := netip.AddrPort{}
	if a, ok := r.opts.Session["oMi"]; ok {
		local, _ = parseHostPort(a)
	}
	srv.Debug = r.stderr
	srv.Serve(smtpd.Peer{In: r.stdin, Out: r.stdout, Remote: remote, Local: local, Given: r.givenSession()})
	return 0
}

// smtpStdio is -bs: SMTP on standard input and output from a local
// process (or, with -oMa, as if from that host).
func (r *run) smtpStdio() int {
	_, srv, ok := r.serverForCommand()
	if !ok {
		return 1
	}
	wait := r.startDelivery(srv)
	defer wait()
	p := smtpd.Peer{In: r.stdin, Out: r.stdout, Ident: currentLogin(), Given: r.givenSession()}
	if a, ok := r.opts.Session["oMa"]; ok {
		p.Remote, _ = parseHostPort(a)
	}
	if a, ok := r.opts.Session["oMi"]; ok {
		p.Local, _ = parseHostPort(a)
	}
	if t, ok := r.opts.Session["oMt"]; ok {
		p.Ident = t
	}
	srv.Serve(p)
	return 0
}

// givenSession maps -oM* options to the session values they set.
func (r *run) givenSession() map[string]string {
	g := map[string]string{}
	for opt, name := range map[string]string{
		"oMaa": "sender_host_authenticated", "oMai": "authenticated_id",
		"oMas": "authenticated_sender", "oMr": "received_protocol", "oMs": "sender_host_name",
	} {
		if v, ok := r.opts.Session[opt]; ok {
			g[name] = v
		}
	}
	return g
}

// parseHostPort reads Exim's "ip" or "ip.port" (also "[ip]:port").
func parseHostPort(s string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap, nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.AddrPortFrom(a, 0), nil
	}
	if i := strings.LastIndexByte(s, '.'); i > 0 {
		if a, err := netip.ParseAddr(s[:i]); err == nil {
			if p, err := strconv.ParseUint(s[i+1:], 10, 16); err == nil {
				return netip.AddrPortFrom(a, uint16(p)), nil
			}
		}
	}
	return netip.AddrPort{}, fmt.Errorf("malformed IP address %q", s)
}

// startDelivery arranges immediate delivery of accepted messages (unless
// queue_only, -odq, or an ACL's control = queue/freeze): in the
// background for the daemon, at the end of the command otherwise. The
// returned function waits for what was started.
func (r *run) startDelivery(srv *smtpd.Server) func() {
	cfg := srv.Config
	if srv.Spool == nil || r.opts.DeliveryMode == "q" || r.opts.DeliveryMode == "qs" || r.opts.NoDelivery {
		return func() {}
	}
	d, err := r.newDeliverer(cfg, srv.Spool, srv.Log, srv)
	if err != nil {
		srv.Log.Panic("", "delivery setup failed, messages stay queued: "+err.Error())
		return func() {}
	}
	q := newQueueRunner(d, deliveryParallelism(cfg))
	srv.Accepted = func(id string, queueOnly, background bool) {
		if queueOnly || cfg.Bool("queue_only") {
			srv.Spool.FlushReceived(id)
			return
		}
		r.deliverAccepted(q, id, background)
	}
	return q.wg.Wait
}

// serverForCommand loads the configuration, sets up the resolver and
// builds the SMTP server a command (-bs, -bm, -q) receives through,
// reporting problems on standard error.
func (r *run) serverForCommand() (*conf.Config, *smtpd.Server, bool) {
	cfg, ok := r.configOrDie()
	if !ok {
		return nil, nil, false
	}
	if err := setupResolver(cfg); err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return nil, nil, false
	}
	srv, err := r.newServer(cfg, false)
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return nil, nil, false
	}
	return cfg, srv, true
}
