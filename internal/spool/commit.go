package spool

import "syscall"

// commitHeader makes in's -D and -H data durable and names the -H file,
// sharing the flushes with the other Commits on the directory without
// queueing behind them: the data flush (fdatasync of the two files when
// the Commit is alone, else a syncfs shared with everyone waiting), the
// rename, then a directory fsync begun after it, also shared. The two
// flushes are separate group commits, so one group's directory fsync
// runs while the next group's data flush does.
func (d *inputDir) commitHeader(in *Input, hfd int, unnamed bool) error {
	alone := d.committing.Add(1) == 1
	defer d.committing.Add(-1)
	if err := d.flushData(in, hfd, alone); err != nil {
		return err
	}
	if err := in.nameHeader(hfd, unnamed); err != nil {
		return err
	}
	return d.sync()
}

// flushData makes the -D and -H data (and the -D name) durable: a lone
// Commit fdatasyncs its files and waits for the directory fsync covering
// its -D name; otherwise one syncfs serves everyone waiting, and covers
// the names made before it too.
func (d *inputDir) flushData(in *Input, hfd int, alone bool) error {
	if !alone {
		return d.data.Wait()
	}
	if err := syscall.Fdatasync(in.fd); err != nil {
		return in.pathErr("fdatasync", "-D", err)
	}
	if err := syscall.Fdatasync(hfd); err != nil {
		return in.pathErr("fdatasync", "-H", err)
	}
	return d.names.WaitFor(in.dataNamed)
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
