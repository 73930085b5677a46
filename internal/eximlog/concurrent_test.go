package eximlog

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	writers        = 100
	linesPerWriter = 50
	childLines     = 300
)

// writerText is a line of varying length (up to about 6 KB) whose
// content can be checked: every byte after the tag repeats the tag's
// last digit.
func writerText(who string, i int) string {
	tag := fmt.Sprintf("%s-%d", who, i)
	return tag + " " + strings.Repeat(tag[len(tag)-1:], (i*977)%6000)
}

var lineRE = regexp.MustCompile(`^2026-11-30 04:17:08 \[(\d+)\] ((\w+)-(\d+)) (\d*)$`)

// TestConcurrentWriters has 100 goroutines of one logger, a second logger
// on the same files (as another exigo process would be) and a child
// process all writing at once; every line must come out whole.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{FilePath: dir + "/%slog", Selector: "+pid", Location: time.UTC,
		Now:        func() time.Time { return time.Date(2026, 11, 30, 4, 17, 8, 0, time.UTC) },
		syslogDial: noSyslog}
	l1, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l1.Close()
	cfg.Pid = 7
	l2, _ := New(cfg)
	defer l2.Close()

	child := exec.Command(os.Args[0], "-test.run=^TestChildWriter$")
	child.Env = append(os.Environ(), "EXIMLOG_CHILD_DIR="+dir)
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := l1
			if w%10 == 0 {
				l = l2
			}
			for i := range linesPerWriter {
				l.Reject("", writerText("g"+strconv.Itoa(w), i), nil)
			}
		}()
	}
	wg.Wait()
	if err := child.Wait(); err != nil {
		t.Fatalf("child writer: %v", err)
	}
	want := writers*linesPerWriter + childLines
	for _, name := range []string{"mainlog", "rejectlog"} {
		checkLines(t, readLog(t, dir+"/"+name), want)
	}
}

func checkLines(t *testing.T, log string, want int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(log, "\n"), "\n")
	if len(lines) != want {
		t.Errorf("%d lines, want %d", len(lines), want)
	}
	seen := map[string]bool{}
	for _, line := range lines {
		m := lineRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("mangled line %.120q", line)
		}
		i, _ := strconv.Atoi(m[4])
		if m[2]+" "+m[5] != writerText(m[3], i) {
			t.Fatalf("mangled text in %.120q", line)
		}
		if seen[m[2]] {
			t.Fatalf("duplicate %s", m[2])
		}
		seen[m[2]] = true
	}
}

// TestChildWriter is the other process of TestConcurrentWriters.
func TestChildWriter(t *testing.T) {
	dir := os.Getenv("EXIMLOG_CHILD_DIR")
	if dir == "" {
		t.Skip("run by TestConcurrentWriters")
	}
	l, err := New(Config{FilePath: dir + "/%slog", Selector: "+pid", Location: time.UTC,
		Now:        func() time.Time { return time.Date(2026, 11, 30, 4, 17, 8, 0, time.UTC) },
		syslogDial: noSyslog})
	if err != nil {
		t.Fatal(err)
	}
	for i := range childLines {
		l.Reject("", writerText("child", i), nil)
	}
	l.Close()
}

func BenchmarkMain(b *testing.B) {
	l, err := New(Config{FilePath: b.TempDir() + "/%slog", Selector: "+pid +millisec",
		syslogDial: noSyslog})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	text := "1xXsrK-0001IY-0w <= a@b.example H=(client.example) [192.0.2.1]:1234 P=esmtp S=281"
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Main("", text)
		}
	})
}
