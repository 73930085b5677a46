package spool

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

// A recycling spool gives a finished message's inodes to the next
// message, whose files hold only what it wrote; the spares are invisible
// to queue listings and to Tidy.
func TestRecycleReusesInodes(t *testing.T) {
	sp, err := Open(t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	sp.Recycle()
	now := time.Now()
	first := NewID(now, 1, -1)
	writeMessage(t, sp, first, bytes.Repeat([]byte("first message body\n"), 500))
	used := map[uint64]bool{inode(t, sp.InputPath(first, "-D")): true, inode(t, sp.InputPath(first, "-H")): true}
	f, err := sp.OpenData(first)
	if err != nil {
		t.Fatal(err)
	}
	if err := sp.Remove(first); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if ids, _ := sp.List(); len(ids) != 0 {
		t.Fatalf("listed after removal: %v", ids)
	}
	if removed, _ := sp.Tidy(); len(removed) != 0 {
		t.Fatalf("Tidy removed spares: %v", removed)
	}

	second := NewID(now, 2, -1)
	h := writeMessage(t, sp, second, []byte("short\n"))
	for _, suffix := range []string{"-D", "-H"} {
		if !used[inode(t, sp.InputPath(second, suffix))] {
			t.Errorf("%s file not recycled", suffix)
		}
	}
	got, err := sp.ReadHeader(second)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != second || got.BodySize != h.BodySize {
		t.Fatalf("read back %+v", got)
	}
	d, _ := os.ReadFile(sp.InputPath(second, "-D"))
	if string(d) != second+"-D\nshort\n" {
		t.Fatalf("-D holds %q", d)
	}
	if ids, _ := sp.List(); len(ids) != 1 || ids[0] != second {
		t.Fatalf("listed %v", ids)
	}
}

// A spare keeps no disk space: the -D is emptied when retired.
func TestRecycleEmptiesSpares(t *testing.T) {
	sp, _ := Open(t.TempDir(), false)
	sp.Recycle()
	id := NewID(time.Now(), 3, -1)
	writeMessage(t, sp, id, bytes.Repeat([]byte("x"), 1<<20))
	if err := sp.Remove(id); err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(sp.Dir, "input", sparePrefix+"*"))
	if len(names) != 2 {
		t.Fatalf("spares: %v", names)
	}
	for _, n := range names {
		st, _ := os.Stat(n)
		if strings.HasSuffix(n, ".D") && st.Size() != 0 {
			t.Errorf("%s keeps %d bytes", n, st.Size())
		}
	}
}

// A delivery that opened a -D just before the message finished and its
// file was recycled sees that the name is no longer that file's.
func TestSameFileAfterRecycle(t *testing.T) {
	sp, _ := Open(t.TempDir(), false)
	sp.Recycle()
	now := time.Now()
	old := NewID(now, 4, -1)
	writeMessage(t, sp, old, []byte("old\n"))
	path := sp.InputPath(old, "-D")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !sameFile(f, path) {
		t.Fatal("sameFile false for a live message")
	}
	if err := sp.Remove(old); err != nil {
		t.Fatal(err)
	}
	writeMessage(t, sp, NewID(now, 5, -1), []byte("new\n"))
	if sameFile(f, path) {
		t.Fatal("sameFile true after the message was finished")
	}
	if _, err := sp.OpenData(old); !os.IsNotExist(err) {
		t.Fatalf("OpenData of a finished message: %v", err)
	}
}

// Another process's spares found at the first claim are used too.
func TestRecycleFindsLeftSpares(t *testing.T) {
	dir := t.TempDir()
	sp, _ := Open(dir, false)
	sp.Recycle()
	id := NewID(time.Now(), 6, -1)
	writeMessage(t, sp, id, []byte("a\n"))
	sp.Remove(id)

	sp2, _ := Open(dir, false)
	sp2.Recycle()
	id2 := NewID(time.Now(), 7, -1)
	writeMessage(t, sp2, id2, []byte("b\n"))
	if names, _ := filepath.Glob(filepath.Join(dir, "input", sparePrefix+"*")); len(names) != 0 {
		t.Fatalf("spares left: %v", names)
	}
}
