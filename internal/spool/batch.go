package spool

import (
	"sync"
	"syscall"
)

// commitBatch gathers the Commits waiting on one input directory so that
// a batch costs one data flush and one directory fsync whatever its size:
// the first Commit to arrive leads, flushing the data of everyone queued
// (fdatasync of its two files when alone, else one syncfs), naming every
// -H file, then syncing the directory once; Commits arriving meanwhile
// form the next batch, which the same leader runs.
type commitBatch struct {
	mu      sync.Mutex
	cond    sync.Cond
	queue   []*pendingCommit
	leading bool
}

// pendingCommit is one Commit whose -D and -H data are written.
type pendingCommit struct {
	in      *Input
	hfd     int
	unnamed bool
	done    bool
	err     error
}

func (b *commitBatch) init() { b.cond.L = &b.mu }

// run queues p and returns once p's message is durable and named.
func (b *commitBatch) run(d *inputDir, p *pendingCommit) error {
	b.mu.Lock()
	b.queue = append(b.queue, p)
	for b.leading && !p.done {
		b.cond.Wait()
	}
	if p.done {
		b.mu.Unlock()
		return p.err
	}
	b.leading = true
	for len(b.queue) > 0 {
		batch := b.queue
		b.queue = nil
		b.mu.Unlock()
		d.commitAll(batch)
		b.mu.Lock()
		for _, q := range batch {
			q.done = true
		}
		b.cond.Broadcast()
	}
	b.leading = false
	b.mu.Unlock()
	return p.err
}

// commitAll makes a batch durable: data, then names, then the directory.
func (d *inputDir) commitAll(batch []*pendingCommit) {
	if err := d.flushData(batch); err != nil {
		for _, p := range batch {
			p.err = err
		}
		return
	}
	named := 0
	for _, p := range batch {
		if p.err = p.in.nameHeader(p.hfd, p.unnamed); p.err == nil {
			named++
		}
	}
	if named == 0 {
		return
	}
	if err := d.sync(); err != nil {
		for _, p := range batch {
			if p.err == nil {
				p.err = err
			}
		}
	}
}

// flushData makes the -D and -H data (and the -D names) of a batch
// durable: a lone Commit fdatasyncs its files and waits for the directory
// fsync covering its -D name; a batch shares one syncfs, which covers
// names made before it too.
func (d *inputDir) flushData(batch []*pendingCommit) error {
	if len(batch) == 1 {
		p := batch[0]
		if err := syscall.Fdatasync(p.in.fd); err != nil {
			return p.in.pathErr("fdatasync", "-D", err)
		}
		if err := syscall.Fdatasync(p.hfd); err != nil {
			return p.in.pathErr("fdatasync", "-H", err)
		}
		return d.waitFor(p.in.dataNamed)
	}
	return d.data.shared()
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
