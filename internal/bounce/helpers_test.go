package bounce

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"exigo/internal/conf"
	"exigo/internal/spool"
	"exigo/internal/transport"
)

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func loadConfig(t *testing.T, text string) *conf.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "conf")
	base := "primary_hostname = test.ex\nqualify_domain = test.ex\n"
	if err := os.WriteFile(path, []byte(base+text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := conf.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// message makes a spooled message from header lines and a body.
func message(sender string, headers []spool.HeaderLine, body string) *transport.Message {
	h := &spool.Header{ID: "1xXtXs-0006vK-1i", Sender: sender, Received: t0.Add(-time.Hour),
		Headers: headers, BodySize: int64(len(body))}
	return &transport.Message{ID: h.ID, Header: h, Body: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(body)), nil
	}}
}

func stdHeaders() []spool.HeaderLine {
	return []spool.HeaderLine{
		{Type: spool.HeaderReceived, Text: "Received: from root by test.ex with local (Exim 4.96)\n\t(envelope-from <sender@test.ex>)\n\tid 1xXtXs-0006vK-1i;\n\tMon, 30 Nov 2026 11:00:00 +0000\n"},
		{Type: spool.HeaderFrom, Text: "From: Sender Person <sender@test.ex>\n"},
		{Type: spool.HeaderOther, Text: "Subject: hello there\n"},
		{Type: spool.HeaderMessageID, Text: "Message-Id: <E1xXtXs-0006vK-1i@test.ex>\n"},
		{Type: spool.HeaderOther, Text: "Date: Mon, 30 Nov 2026 11:00:00 +0000\n"},
	}
}

// parsed is a notice taken apart with the standard library.
type parsed struct {
	msg   *mail.Message
	parts []*multipart.Part
	body  [][]byte
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("net/mail: %v\n%s", err, data)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/report" || params["report-type"] != "delivery-status" {
		t.Fatalf("content type %q %v", m.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	var p parsed
	p.msg = m
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("multipart: %v", err)
		}
		b, _ := io.ReadAll(part)
		p.parts = append(p.parts, part)
		p.body = append(p.body, b)
	}
	return p
}

// fields reads "Name: value" groups of a delivery-status part: the
// per-message group first, then one per recipient.
func fields(t *testing.T, b []byte) []map[string]string {
	t.Helper()
	var out []map[string]string
	for _, group := range strings.Split(strings.TrimRight(string(b), "\n"), "\n\n") {
		m := map[string]string{}
		last := ""
		for _, line := range strings.Split(group, "\n") {
			if strings.HasPrefix(line, " ") && last != "" {
				m[last] += "\n" + line
				continue
			}
			k, v, ok := strings.Cut(line, ": ")
			if !ok {
				t.Fatalf("bad field line %q", line)
			}
			m[k], last = v, k
		}
		out = append(out, m)
	}
	return out
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
