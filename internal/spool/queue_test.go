package spool

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// copySpool copies a spool's input files into a fresh temporary spool.
func copySpool(t *testing.T, from string, split bool) *Spool {
	t.Helper()
	sp, err := Open(t.TempDir(), split)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(from, "input", "*-[DHJ]"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		dir := filepath.Join(sp.Dir, "input", sp.Subdir(name))
		os.MkdirAll(dir, DirMode)
		if err := os.WriteFile(filepath.Join(dir, name), data, FileMode); err != nil {
			t.Fatal(err)
		}
	}
	return sp
}

// The listings were made by Exim 4.96 on testdata/exim496 at the time in
// listing-time.txt.
func TestPrintQueueMatchesRecordedExim(t *testing.T) {
	ts, _ := os.ReadFile(filepath.Join(eximSpool, "listing-time.txt"))
	sec, _ := strconv.ParseInt(strings.TrimSpace(string(ts)), 10, 64)
	for _, split := range []bool{false, true} {
		sp := copySpool(t, eximSpool, split)
		for _, mode := range []string{"-bp", "-bpa", "-bpu", "-bpc"} {
			want, _ := os.ReadFile(filepath.Join(eximSpool, "listing"+mode+".txt"))
			var got bytes.Buffer
			if err := PrintQueue(&got, sp, mode, time.Unix(sec, 0)); err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want) {
				t.Errorf("split=%v %s:\n%s\nwant:\n%s", split, mode, got.String(), want)
			}
		}
	}
}

func TestPrintQueueJournalAndErrors(t *testing.T) {
	sp := copySpool(t, eximSpool, false)
	id := "1xXsrQ-0001NM-0g"
	os.WriteFile(sp.InputPath(id, "-J"), []byte("extra@gen.example\nr1@example.net\n"), FileMode)
	bad := "1xXsrQ-0001NM-0h"
	os.WriteFile(sp.InputPath(bad, "-H"), []byte(bad+"-H\nroot 0 0\n<x@y>\n"), FileMode)
	hdrBad := "1xXsrQ-0001NM-0i"
	os.WriteFile(sp.InputPath(hdrBad, "-H"), []byte(hdrBad+"-H\nroot 0 0\n<x@y>\n1796012368 0\nXX\n1\na@b\n\nxyz"), FileMode)
	var got bytes.Buffer
	if err := PrintQueue(&got, sp, "-bpa", time.Unix(1796012368+100*60, 0)); err != nil {
		t.Fatal(err)
	}
	want := ` 2h   334 1xXsrQ-0001NM-0g <s@example.org> *** frozen ***
        D r1@example.net
        D r2@example.net
          r3@example.net
          zz@x.y
          aa@x.y
       +D extra@gen.example

      1xXsrQ-0001NM-0h
    *** spool format error: size=34 ***

 2h       1xXsrQ-0001NM-0i <x@y>
    *** spool format error: size=60 ***
          a@b

`
	if !strings.HasPrefix(got.String(), want) {
		t.Errorf("got:\n%s\nwant prefix:\n%s", got.String(), want)
	}
}

func TestFormatSizeAndAge(t *testing.T) {
	for size, want := range map[int64]string{
		0: "     ", 1: "    1", 1023: " 1023", 1024: " 1.0K", 1280: " 1.2K", 10239: "10.0K",
		10240: "  10K", 1048575: "1024K", 1048576: " 1.0M", 10485760: "  10M", 123456789: " 118M",
	} {
		if got := FormatSize(size); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", size, got, want)
		}
	}
	for secs, want := range map[int64]string{
		0: " 0m ", 59: " 0m ", 5400: "90m ", 5460: " 2h ", 72 * 3600: "72h ",
		73 * 3600: " 3d ", 30 * 86400: "30d ", -30: " 0m ", -120: "-2m ",
	} {
		if got := formatAge(secs); got != want {
			t.Errorf("formatAge(%d) = %q, want %q", secs, got, want)
		}
	}
}

func TestListOrder(t *testing.T) {
	sp, _ := Open(t.TempDir(), true)
	ids := []string{"1xXsx3-0000K5-1d", "1xXsx3-0000K7-0g", "1xXsx2-000001-3D", "1xXsx3-zzzzzz-0a"}
	for _, id := range ids {
		in, err := sp.Begin(id)
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Commit(&Header{Received: IDTime(id)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := sp.List()
	if err != nil {
		t.Fatal(err)
	}
	want := "1xXsx2-000001-3D 1xXsx3-zzzzzz-0a 1xXsx3-0000K7-0g 1xXsx3-0000K5-1d"
	if strings.Join(got, " ") != want {
		t.Errorf("List = %v, want %s", got, want)
	}
}
