package spool

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func testHeader(id string, at time.Time, bodyLen int) *Header {
	return &Header{
		ID: id, Originator: "exim", UID: 101, GID: 103, Sender: "s@e.org",
		Received: at, ReceivedComplete: at, ReceivedProtocol: Clean("esmtp"), DeliverFirsttime: true,
		Recipients: []Recipient{{Address: "r@e.net"}},
		Headers: []HeaderLine{
			{HeaderOther, "Subject: test\n"},
			{HeaderOther, fmt.Sprintf("X-Body-Length: %d\n", bodyLen)},
		},
	}
}

func writeMessage(t testing.TB, sp *Spool, id string, body []byte) *Header {
	in, err := sp.Begin(id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Body().Write(body); err != nil {
		t.Fatal(err)
	}
	h := testHeader(id, IDTime(id), len(body))
	h.BodyLinecount, h.BodyZerocount = in.Counts()
	if err := in.Commit(h); err != nil {
		t.Fatal(err)
	}
	return h
}

// eachCreateMethod runs f with O_TMPFILE and linkat(AT_EMPTY_PATH), with
// linkat through /proc/self/fd, and with plain create and rename.
func eachCreateMethod(t *testing.T, f func(t *testing.T)) {
	defer noTmpfile.Store(noTmpfile.Load())
	defer procLink.Store(procLink.Load())
	for _, m := range []struct {
		name               string
		noTmpfile, viaProc bool
	}{{"tmpfile", false, false}, {"proc", false, true}, {"rename", true, false}} {
		noTmpfile.Store(m.noTmpfile)
		procLink.Store(m.viaProc)
		t.Run(m.name, f)
	}
}

func TestCommitWritesBothFiles(t *testing.T) {
	eachCreateMethod(t, testCommitWritesBothFiles)
}

func testCommitWritesBothFiles(t *testing.T) {
	for _, split := range []bool{false, true} {
		sp, err := Open(t.TempDir(), split)
		if err != nil {
			t.Fatal(err)
		}
		id := "1xXsx3-0000K5-1d"
		body := []byte("line 1\nnul \x00 here\n")
		h := writeMessage(t, sp, id, body)
		if h.BodyLinecount != 2 || h.BodyZerocount != 1 || h.BodySize != int64(len(body)) {
			t.Errorf("counts %d %d %d", h.BodyLinecount, h.BodyZerocount, h.BodySize)
		}
		dir := filepath.Join(sp.Dir, "input")
		if split {
			dir = filepath.Join(dir, "3")
		}
		data, err := os.ReadFile(filepath.Join(dir, id+"-D"))
		if err != nil || string(data) != id+"-D\n"+string(body) {
			t.Errorf("-D = %q, %v", data, err)
		}
		for _, suffix := range []string{"-D", "-H"} {
			st, err := os.Stat(filepath.Join(dir, id+suffix))
			if err != nil || st.Mode().Perm() != FileMode {
				t.Errorf("%s: %v %v", suffix, st.Mode(), err)
			}
		}
		got, err := sp.ReadHeader(id)
		if err != nil || !reflect.DeepEqual(got, h) {
			t.Errorf("ReadHeader = %+v, %v; want %+v", got, err, h)
		}
		if names, _ := readDirNames(dir); len(names) != 2 {
			t.Errorf("input holds %v", names)
		}
	}
}

func TestAbortRemovesEverything(t *testing.T) {
	sp, _ := Open(t.TempDir(), false)
	in, err := sp.Begin("1xXsx3-0000K5-1d")
	if err != nil {
		t.Fatal(err)
	}
	in.Body().Write([]byte("x\n"))
	in.Abort()
	in.Abort()
	if names, _ := readDirNames(filepath.Join(sp.Dir, "input")); len(names) != 0 {
		t.Errorf("left %v", names)
	}
	if err := in.Commit(&Header{}); err == nil {
		t.Errorf("Commit after Abort succeeded")
	}
}

func TestBeginRefusesDuplicatesAndBadIDs(t *testing.T) {
	sp, _ := Open(t.TempDir(), false)
	writeMessage(t, sp, "1xXsx3-0000K5-1d", []byte("x\n"))
	if _, err := sp.Begin("1xXsx3-0000K5-1d"); !errors.Is(err, os.ErrExist) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := sp.Begin("../etc/passwd-xx"); err == nil {
		t.Errorf("bad id accepted")
	}
}

func TestDataLockExcludesOthers(t *testing.T) {
	sp, _ := Open(t.TempDir(), false)
	id := "1xXsx3-0000K5-1d"
	in, _ := sp.Begin(id)
	if _, err := sp.OpenData(id); !errors.Is(err, ErrLocked) {
		t.Errorf("OpenData while writing: %v", err)
	}
	in.Commit(testHeader(id, IDTime(id), 0))
	f, err := sp.OpenData(id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sp.OpenData(id); !errors.Is(err, ErrLocked) {
		t.Errorf("second OpenData: %v", err)
	}
	f.Close()
	if f, err = sp.OpenData(id); err != nil {
		t.Errorf("OpenData after close: %v", err)
	}
	f.Close()
}

func TestTidy(t *testing.T) {
	eachCreateMethod(t, testTidy)
}

func testTidy(t *testing.T) {
	sp, _ := Open(t.TempDir(), true)
	done := "1xXsx3-0000K5-1d"
	writeMessage(t, sp, done, []byte("x\n"))
	busy := "1xXsx3-0000K6-1d"
	in, _ := sp.Begin(busy)
	// A crashed writer: -D without lock, a temporary -H and a message log.
	dead := "1xXsx3-0000K7-1d"
	os.WriteFile(sp.InputPath(dead, "-D"), []byte(dead+"-D\nx\n"), FileMode)
	os.WriteFile(filepath.Join(filepath.Dir(sp.InputPath(dead, "")), "hdr."+dead), []byte("partial"), FileMode)
	f, _ := sp.OpenMsglog(dead)
	f.Close()
	// A temporary -H of a message being rewritten under its lock.
	busyTmp := filepath.Join(filepath.Dir(sp.InputPath(busy, "")), "hdr."+busy)
	os.WriteFile(busyTmp, []byte("partial"), FileMode)

	removed, err := sp.Tidy()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(sp.InputPath(dead, ""))
	want := []string{filepath.Join(dir, dead+"-D"), sp.MsglogPath(dead), filepath.Join(dir, "hdr."+dead)}
	if strings.Join(sortedCopy(removed), " ") != strings.Join(sortedCopy(want), " ") {
		t.Errorf("removed %v, want %v", removed, want)
	}
	if _, err := os.Stat(busyTmp); err != nil {
		t.Errorf("locked message's temporary removed")
	}
	if err := in.Commit(testHeader(busy, IDTime(busy), 0)); err != nil {
		t.Errorf("writer harmed by Tidy: %v", err)
	}
	if ids, _ := sp.List(); len(ids) != 2 {
		t.Errorf("queue %v", ids)
	}
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			if c[j] < c[i] {
				c[i], c[j] = c[j], c[i]
			}
		}
	}
	return c
}

func TestConcurrentCommits(t *testing.T) {
	sp, _ := Open(t.TempDir(), true)
	gen := NewIDGen(os.Getpid(), -1)
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				id, _ := gen.Next()
				writeMessage(t, sp, id, bytes.Repeat([]byte("0123456789abcde\n"), i+1))
			}
		}()
	}
	wg.Wait()
	ids, err := sp.List()
	if err != nil || len(ids) != writers*each {
		t.Fatalf("%d messages, %v", len(ids), err)
	}
	for _, id := range ids {
		if _, err := sp.ReadHeader(id); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	PrintQueue(&out, sp, "-bpc", time.Now())
	if out.String() != strconv.Itoa(writers*each)+"\n" {
		t.Errorf("-bpc: %s", out.String())
	}
}

// TestCrashLeavesNoPartialMessage kills writers at random moments: every
// -H left must have its complete -D, and Tidy must leave only complete
// messages.
func TestCrashLeavesNoPartialMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	for _, rename := range []string{"", "1"} {
		t.Run("rename="+rename, func(t *testing.T) { testCrash(t, rename) })
	}
}

func testCrash(t *testing.T, rename string) {
	dir := t.TempDir()
	for round := 0; round < 12; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriterHelper$")
		cmd.Env = append(os.Environ(), "SPOOL_CRASH_DIR="+dir, "SPOOL_CRASH_RENAME="+rename)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+round*13) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	sp, _ := Open(dir, true)
	checkComplete := func() int {
		ids, _ := sp.List()
		for _, id := range ids {
			h, err := sp.ReadHeader(id)
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			want := strings.TrimSuffix(strings.TrimPrefix(h.Headers[1].Text, "X-Body-Length: "), "\n")
			if strconv.FormatInt(h.BodySize, 10) != want {
				t.Fatalf("%s: body %d bytes, header says %s", id, h.BodySize, want)
			}
		}
		return len(ids)
	}
	queued := checkComplete()
	removed, err := sp.Tidy()
	if err != nil {
		t.Fatal(err)
	}
	if queued == 0 {
		t.Fatal("no message was written")
	}
	if checkComplete() != queued {
		t.Fatal("Tidy removed a queued message")
	}
	filepath.Walk(filepath.Join(dir, "input"), func(p string, fi os.FileInfo, err error) error {
		n := filepath.Base(p)
		if strings.HasPrefix(n, "hdr.") {
			t.Errorf("left over %s", p)
		}
		if strings.HasSuffix(n, "-D") {
			if _, err := os.Stat(strings.TrimSuffix(p, "-D") + "-H"); err != nil {
				t.Errorf("orphan %s", p)
			}
		}
		return nil
	})
	t.Logf("%d messages queued, %d files tidied", queued, len(removed))
}

func TestCrashWriterHelper(t *testing.T) {
	dir := os.Getenv("SPOOL_CRASH_DIR")
	if dir == "" {
		t.Skip("helper process for TestCrashLeavesNoPartialMessage")
	}
	noTmpfile.Store(os.Getenv("SPOOL_CRASH_RENAME") != "")
	sp, err := Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	gen := NewIDGen(os.Getpid(), -1)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				id, _ := gen.Next()
				in, err := sp.Begin(id)
				if err != nil {
					t.Error(err)
					return
				}
				n := 1000 + (i*7919+w*104729)%300000
				body := bytes.Repeat([]byte("abcdefghijklmno\n"), n/16+1)[:n]
				for len(body) > 0 {
					k := min(len(body), 4096)
					in.Body().Write(body[:k])
					body = body[k:]
				}
				h := testHeader(id, time.Now(), n)
				if err := in.Commit(h); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	io.WriteString(os.Stderr, "helper stopped\n")
}

// Messages written before split_spool_directory changed are still found.
func TestReadHeaderFindsOtherLayout(t *testing.T) {
	dir := t.TempDir()
	for _, split := range []bool{false, true} {
		sp, _ := Open(dir, split)
		id := NewID(time.Unix(1796012361+int64(len(dir)), 0), 1+len(dir), -1)
		if split {
			id = NewID(time.Unix(1796012362, 0), 2, -1)
		}
		writeMessage(t, sp, id, []byte("x\n"))
		other, _ := Open(dir, !split)
		if h, err := other.ReadHeader(id); err != nil || h.BodySize != 2 {
			t.Errorf("split=%v: %v %+v", split, err, h)
		}
		if f, err := other.OpenData(id); err != nil {
			t.Errorf("OpenData: %v", err)
		} else {
			f.Close()
		}
	}
}
