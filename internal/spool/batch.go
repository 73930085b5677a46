package spool

import (
	"sync/atomic"
	"syscall"
)

// commitBatch lets the Commits on one input directory share their
// flushes without queueing behind one another: each Commit flushes its
// data (fdatasync of its two files when it is alone, else a syncfs shared
// with every Commit waiting), names its -H file, then waits for a
// directory fsync begun after the rename, also shared. Because the two
// flushes are separate group commits, one batch's directory fsync runs
// while the next batch's data flush does: the disk sees both at once.
type commitBatch struct {
	inflight atomic.Int32
}

// pendingCommit is one Commit whose -D and -H data are written.
type pendingCommit struct {
	in      *Input
	hfd     int
	unnamed bool
}

// run returns once p's message is durable and named.
func (b *commitBatch) run(d *inputDir, p *pendingCommit) error {
	alone := b.inflight.Add(1) == 1
	defer b.inflight.Add(-1)
	if err := d.flushData(p, alone); err != nil {
		return err
	}
	if err := p.in.nameHeader(p.hfd, p.unnamed); err != nil {
		return err
	}
	return d.sync()
}

// flushData makes p's -D and -H data (and the -D name) durable: a lone
// Commit fdatasyncs its files and waits for the directory fsync covering
// its -D name; otherwise one syncfs serves everyone waiting, and covers
// the names made before it too.
func (d *inputDir) flushData(p *pendingCommit, alone bool) error {
	if !alone {
		return d.data.wait()
	}
	if err := syscall.Fdatasync(p.in.fd); err != nil {
		return p.in.pathErr("fdatasync", "-D", err)
	}
	if err := syscall.Fdatasync(p.hfd); err != nil {
		return p.in.pathErr("fdatasync", "-H", err)
	}
	return d.names.waitFor(p.in.dataNamed)
}

// nameHeader gives the -H data its name: the unnamed file is linked in,
// or hdr.<id> renamed.
func (in *Input) nameHeader(hfd int, unnamed bool) error {
	if unnamed {
		if err := linkTmpfile(hfd, in.dir.fd, in.id+"-H"); err != nil {
			return in.pathErr("link", "-H", err)
		}
	} else {
		err := syscall.Renameat(in.dir.fd, in.tmpName(), in.dir.fd, in.id+"-H")
		in.tmpMade = false
		if err != nil {
			return in.pathErr("rename", "-H", err)
		}
	}
	in.renamed = true
	return nil
}
