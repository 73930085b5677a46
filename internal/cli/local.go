package cli

import (
	"fmt"
	"time"

	"exigo/internal/smtpd"
	"exigo/internal/spool"
)

// localMessage is -bm / -t and the sendmail interface: read a message
// from standard input and queue it.
func (r *run) localMessage() int {
	cfg, srv, ok := r.serverForCommand()
	if !ok {
		return 1
	}
	wait := r.startDelivery(srv)
	defer wait()
	login := currentLogin()
	sender := login + "@" + cfg.QualifyDomain()
	if r.opts.Sender != nil {
		sender = qualifySender(*r.opts.Sender, cfg.QualifyDomain())
	}
	if len(r.opts.Args) == 0 && !r.opts.ExtractRcpts {
		fmt.Fprintf(r.stderr, "exigo: no recipients given\n")
		return 1
	}
	_, err := srv.ReceiveLocal(smtpd.LocalMessage{
		In: r.stdin, Login: login, Sender: sender, Recipients: r.opts.Args,
		Extract: r.opts.ExtractRcpts, DotIsData: r.opts.DotIsData, FullName: r.opts.FullName,
		SenderForced: r.opts.Sender != nil,
	})
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	return 0
}

// queueList is -bp and its variants (and the mailq name).
func (r *run) queueList() int {
	cfg, ok := r.configOrDie()
	if !ok {
		return 1
	}
	sp, err := spool.Open(spoolDir(cfg), cfg.Bool("split_spool_directory"))
	if err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	if err := spool.PrintQueue(r.stdout, sp, "-"+r.opts.QueueList, time.Now()); err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	return 0
}
