package mime

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The oracle test runs Debian's Exim 4.96 on the sample messages with a
// MIME ACL that logs every part's variables and decodes every part, then
// walks Exim's own .eml copies with Walk and compares the variables and
// the decoded files.

const oracleACL = `acl_smtp_rcpt = accept
acl_smtp_mime = mime
acl_smtp_data = data
begin acl
mime:
  warn control = no_mbox_unspool
  warn logwrite = P ${str2b64:$mime_part_count|$mime_content_type|$mime_content_disposition|$mime_content_transfer_encoding|$mime_content_id|$mime_content_description|$mime_filename|$mime_charset|$mime_boundary|$mime_is_multipart|$mime_is_coverletter|$mime_is_rfc822}
  warn decode = default
       logwrite = D ${str2b64:$mime_content_size|$mime_anomaly_level|$mime_anomaly_text|$mime_decoded_filename}
  accept
data:
  warn logwrite = S ${str2b64:$mime_part_count|$mime_is_rfc822|$mime_is_coverletter}
  accept
`

// oracleLine is the text of one logged line, in the form the ACL writes.
func partLine(p *Part) string {
	v := p.Vars()
	f := []string{v["mime_part_count"], p.ContentType, p.ContentDisposition, p.ContentTransferEncoding,
		p.ContentID, p.ContentDescription, p.Filename, p.Charset, p.Boundary,
		v["mime_is_multipart"], v["mime_is_coverletter"], v["mime_is_rfc822"]}
	return "P " + strings.Join(f, "|")
}

func decodeLine(p *Part, dir string) string {
	name := strings.TrimPrefix(p.DecodedFilename, dir)
	return fmt.Sprintf("D %d|%d|%s|%s", p.ContentSize, p.AnomalyLevel, p.AnomalyText, name)
}

// runEximMIME sends the messages through exim -bh (in a network namespace
// of its own) and returns its log lines, base64 fields decoded, grouped
// by message id.
func runEximMIME(t *testing.T, dir string, msgs []string) (ids []string, lines map[string][]string) {
	if _, err := os.Stat("/usr/sbin/exim4"); err != nil {
		t.Skip("/usr/sbin/exim4 not installed: no Exim to compare with")
	}
	conf := filepath.Join(dir, "exim.conf")
	text := fmt.Sprintf("primary_hostname = myhost.test.ex\nspool_directory = %s/spool\nlog_file_path = %s/%%slog\n"+
		"exim_user = root\nexim_group = root\nnever_users =\nkeep_environment =\n%s", dir, dir, oracleACL)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	in.WriteString("EHLO x\r\n")
	for _, m := range msgs {
		in.WriteString("MAIL FROM:<a@b.example>\r\nRCPT TO:<u@myhost.test.ex>\r\nDATA\r\n")
		in.WriteString(strings.ReplaceAll(m, "\n", "\r\n"))
		in.WriteString(".\r\n")
	}
	in.WriteString("QUIT\r\n")
	cmd := exec.Command("unshare", "-n", "sh", "-c", "ip link set lo up; /usr/sbin/exim4 -C \"$0\" -bh 10.0.0.1 2>&1", conf)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("cannot run exim in a network namespace: %v\n%s", err, out)
	}
	re := regexp.MustCompile(`^LOG: (\S{6}-\S{6}-\S{2}) ([PDS]) (\S*)$`)
	lines = map[string][]string{}
	for _, l := range strings.Split(string(out), "\n") {
		m := re.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		v, err := base64.StdEncoding.DecodeString(m[3])
		if err != nil {
			t.Fatalf("bad base64 in %q", l)
		}
		if len(lines[m[1]]) == 0 {
			ids = append(ids, m[1])
		}
		lines[m[1]] = append(lines[m[1]], m[2]+" "+string(v))
	}
	if len(ids) != len(msgs) {
		t.Fatalf("Exim logged %d messages, want %d:\n%s", len(ids), len(msgs), out)
	}
	return ids, lines
}

// walkLikeOracle walks Exim's .eml for a message as the oracle ACL does.
func walkLikeOracle(t *testing.T, eximScan, goSpool, id string) []string {
	eml, err := os.ReadFile(filepath.Join(eximScan, id, id+".eml"))
	if err != nil {
		t.Fatal(err)
	}
	m := &Message{SpoolDir: goSpool, ID: id, WriteMbox: func(w io.Writer) error {
		_, err := w.Write(eml)
		return err
	}}
	var got []string
	sum, completed, err := m.Walk(func(p *Part) bool {
		got = append(got, partLine(p))
		p.Decode("default", false)
		got = append(got, decodeLine(p, m.Dir()))
		return true
	})
	if err != nil || !completed {
		t.Fatalf("Walk: completed %v, %v", completed, err)
	}
	got = append(got, fmt.Sprintf("S %d|%s|%s", sum.Count, boolNum(sum.IsRFC822), boolNum(sum.IsCoverletter)))
	return got
}

func TestWalkAgainstExim(t *testing.T) {
	names, _ := filepath.Glob("testdata/*.txt")
	var msgs []string
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, string(b))
	}
	msgs = append(msgs, longLinesMessage())
	names = append(names, "long lines")
	dir := t.TempDir()
	ids, exim := runEximMIME(t, dir, msgs)
	goSpool := filepath.Join(dir, "go")
	for i, id := range ids {
		got := walkLikeOracle(t, filepath.Join(dir, "spool", "scan"), goSpool, id)
		want := exim[id]
		for j := range want {
			want[j] = strings.Replace(want[j], filepath.Join(dir, "spool", "scan", id), "", 1)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: parts differ from Exim's (- Exim, + Walk):\n%s", names[i], diffLines(want, got))
		}
		t.Logf("%s: %d lines compared", names[i], len(want))
		compareDecoded(t, names[i], filepath.Join(dir, "spool", "scan", id), filepath.Join(goSpool, "scan", id), id)
	}
}

// compareDecoded compares the numbered decoded files of a message.
func compareDecoded(t *testing.T, name, eximDir, goDir, id string) {
	files, _ := filepath.Glob(filepath.Join(eximDir, id+"-*"))
	for _, f := range files {
		want, _ := os.ReadFile(f)
		got, err := os.ReadFile(filepath.Join(goDir, filepath.Base(f)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: decoded %s differs: Exim %q, Walk %q (%v)", name, filepath.Base(f), clip(want), clip(got), err)
		}
	}
	gotFiles, _ := filepath.Glob(filepath.Join(goDir, id+"-*"))
	if len(gotFiles) != len(files) {
		t.Errorf("%s: %d decoded files, Exim has %d", name, len(gotFiles), len(files))
	}
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

func diffLines(want, got []string) string {
	var b strings.Builder
	for i := 0; i < len(want) || i < len(got); i++ {
		w, g := "", ""
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w == g {
			fmt.Fprintf(&b, "  %s\n", w)
			continue
		}
		if i < len(want) {
			fmt.Fprintf(&b, "- %s\n", w)
		}
		if i < len(got) {
			fmt.Fprintf(&b, "+ %s\n", g)
		}
	}
	return b.String()
}

// longLinesMessage has a header line longer than Exim's 8192-byte MIME
// header buffer and body lines longer than its 32767-byte line buffer.
func longLinesMessage() string {
	var b strings.Builder
	b.WriteString("Subject: long\nContent-Type: multipart/mixed; boundary=L\n\n--L\n")
	b.WriteString("Content-Type: text/plain; x=\"" + strings.Repeat("y", 9000) + "\"; name=\"after.txt\"\n")
	b.WriteString("Content-Transfer-Encoding: quoted-printable\n\n")
	b.WriteString(strings.Repeat("a", 32766) + "=41=\n" + strings.Repeat("b", 40000) + "\n")
	b.WriteString("--L\nContent-Transfer-Encoding: base64\n\n")
	b.WriteString(strings.Repeat("QUJD", 10000) + "\n--L--\n")
	return b.String()
}
