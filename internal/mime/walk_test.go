package mime

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testMessage is a Message whose mbox copy is text.
func testMessage(t *testing.T, text string) *Message {
	t.Helper()
	return &Message{SpoolDir: t.TempDir(), ID: "1xXtQg-00024q-2t", WriteMbox: func(w io.Writer) error {
		_, err := io.WriteString(w, "From MAILER-DAEMON Mon Nov 30 04:52:44 2026\n"+text)
		return err
	}}
}

func readSample(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Exim 4.96 walks nested.txt in this order, with these variables.
func TestWalkNested(t *testing.T) {
	m := testMessage(t, readSample(t, "nested.txt"))
	var got []string
	sum, completed, err := m.Walk(func(p *Part) bool {
		got = append(got, fmt.Sprintf("%d %s cover=%v multi=%v name=%s", p.Count, p.ContentType, p.IsCoverletter, p.IsMultipart, p.Filename))
		return true
	})
	want := []string{
		"0 multipart/mixed cover=true multi=true name=",
		"1 multipart/alternative cover=true multi=true name=",
		"2 text/plain cover=true multi=false name=",
		"3 multipart/related cover=true multi=true name=",
		"4 text/html cover=true multi=false name=",
		"5 image/png cover=true multi=false name=pic.png",
		"6 application/x-msdownload cover=false multi=false name=run.exe",
		"7 multipart/mixed cover=false multi=true name=",
		"8 text/plain cover=false multi=false name=",
		"9 text/plain cover=false multi=false name=",
	}
	if err != nil || !completed || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("walk (%v, %v):\n%s\nwant\n%s", completed, err, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if sum != (Summary{Count: 9, IsRFC822: false, IsCoverletter: false}) {
		t.Errorf("summary %+v", sum)
	}
}

func TestWalkStopsAndAttachedMessages(t *testing.T) {
	m := testMessage(t, readSample(t, "rfc822.txt"))
	var seen []string
	sum, completed, _ := m.Walk(func(p *Part) bool {
		seen = append(seen, fmt.Sprintf("%d/%v/%s", p.Count, p.IsRFC822, p.ContentType))
		return p.Filename != "deep.exe"
	})
	if completed {
		t.Fatalf("walk went on past the refused part: %v", seen)
	}
	// The count is that of the outer message again, as in Exim.
	last := seen[len(seen)-1]
	if last != "0/true/text/plain" || sum.Count != 3 || !sum.IsRFC822 {
		t.Errorf("stopped at %s with %+v; parts %v", last, sum, seen)
	}
	// Attached messages are decoded to __rfc822_ files, removed once
	// walked; the one that stopped the walk is removed too.
	left, _ := filepath.Glob(filepath.Join(m.Dir(), "__rfc822_*"))
	if len(left) != 0 {
		t.Errorf("attached message files left: %v", left)
	}
	m.Unspool(false)
	if _, err := os.Stat(m.Dir()); !os.IsNotExist(err) {
		t.Errorf("scan directory still there: %v", err)
	}
}

// decodeParts decodes every part of a message and returns the contents.
func decodeParts(t *testing.T, text string) []string {
	m := testMessage(t, text)
	var out []string
	m.Walk(func(p *Part) bool {
		if ok, err := p.Decode("default", false); !ok || err != nil {
			t.Fatalf("decode: %v %v", ok, err)
		}
		b, _ := os.ReadFile(p.DecodedFilename)
		out = append(out, fmt.Sprintf("%q %d %d", b, p.ContentSize, p.AnomalyLevel))
		return true
	})
	return out
}

// The decoded bytes are those of Exim 4.96, quirks included.
func TestDecodeBase64Quirks(t *testing.T) {
	got := decodeParts(t, readSample(t, "base64.txt"))[1:]
	want := []string{
		`"A\x00" 1 0`,           // unpadded: the partial byte is written
		`"ABC" 1 0`,             // BASE64 in capitals: the encoding name is lower-cased
		`"ABC\x00" 1 0`,         // '=' after a full quantum
		`"A\x10P\x90A\x00" 1 0`, // padding in the middle shifts the quantum
		`"Hello world" 1 2`,     // bad characters skipped, anomaly 2
		`"ABCDEFGH\x00" 1 0`,    // a quantum split over lines
		`"as is\n" 1 0`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDecodeQuotedPrintable(t *testing.T) {
	msg := "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n" +
		"Caf=E9 au lait=\n, soft; a bad =XY and = x=\t \nend=3d\n"
	got := decodeParts(t, msg)
	want := `"Caf\xe9 au lait, soft; a bad =XY and = xend=\n" 1 1`
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestDecodeOptions(t *testing.T) {
	m := testMessage(t, "Content-Type: text/plain\n\nbody\n")
	other := t.TempDir()
	m.Walk(func(p *Part) bool {
		check := func(opt string, tainted, wantOK bool, wantErr bool, wantName string) {
			t.Helper()
			p.DecodedFilename = ""
			ok, err := p.Decode(opt, tainted)
			if ok != wantOK || (err != nil) != wantErr || p.DecodedFilename != wantName {
				t.Errorf("decode %q (tainted %v): %v %v %q, want %v err %v %q", opt, tainted, ok, err, p.DecodedFilename, wantOK, wantErr, wantName)
			}
		}
		check("false", false, false, false, "")
		check("0 : x", false, false, false, "")
		check("", false, true, false, m.Dir()+"/"+m.ID+"-00000")
		check("default", true, true, false, m.Dir()+"/"+m.ID+"-00001")
		check("name.txt", false, true, false, m.Dir()+"/name.txt")
		check(other, false, true, false, other+"/"+m.ID+"-00000")
		check(other+"/given", false, true, false, other+"/given")
		check("bad.txt", true, false, true, m.Dir()+"/bad.txt")
		b, _ := os.ReadFile(other + "/given")
		if string(b) != "body\n" || p.ContentSize != 1 {
			t.Errorf("decoded %q, size %d", b, p.ContentSize)
		}
		return true
	})
}

func TestRegexHelpers(t *testing.T) {
	m := testMessage(t, readSample(t, "nested.txt"))
	m.Walk(func(p *Part) bool {
		if p.Filename != "run.exe" {
			return true
		}
		var lines []string
		p.EachLine(16384, func(l []byte) bool { lines = append(lines, string(l)); return true })
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "TVqQ") {
			t.Errorf("raw lines %q", lines)
		}
		head, err := p.DecodedHead(2)
		if err != nil || string(head) != "MZ" || p.DecodedFilename == "" {
			t.Errorf("decoded head %q %v", head, err)
		}
		// Reading ahead leaves the walk where it was.
		return true
	})
}
