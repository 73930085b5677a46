package transport

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/spool"
)

type mapVars map[string]string

func (m mapVars) Var(name string) (string, bool, bool) {
	v, ok := m[name]
	return v, false, ok
}

// fixture loads a message Debian's Exim spooled (testdata/exim1: its
// configuration, -H and -D files, and what its appendfile wrote).
func fixture(t *testing.T, name string) *Message {
	t.Helper()
	dir := filepath.Join("testdata", name)
	hdata, err := os.ReadFile(filepath.Join(dir, "msg-H"))
	if err != nil {
		t.Fatal(err)
	}
	id, _, _ := strings.Cut(string(hdata), "\n")
	h, err := spool.ParseHeader(hdata, id)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "msg-D"))
	if err != nil {
		t.Fatal(err)
	}
	body := data[len(h.ID)+3:]
	h.BodySize = int64(len(body))
	return &Message{ID: h.ID, Header: h, Body: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(body)), nil
	}}
}

func golden(t *testing.T, name, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name, file))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func write(t *testing.T, msg *Message, o *WriteOptions) (string, Written) {
	t.Helper()
	var b bytes.Buffer
	n, err := WriteMessage(&b, msg, o)
	if err != nil {
		t.Fatal(err)
	}
	if n.Bytes != int64(b.Len()) {
		t.Errorf("byte count %d, wrote %d", n.Bytes, b.Len())
	}
	return b.String(), n
}

// TestWriteLikeEximMbox writes the message as the fixture's mbox
// transport did (router and transport header changes, the three added
// headers, "From " escaping) and compares with Exim's file.
func TestWriteLikeEximMbox(t *testing.T) {
	msg := fixture(t, "exim1")
	a := item.New("mb@test.example")
	a.HeadersAdd = []string{"X-Router-Added: yes\n"}
	a.HeadersRemove = []string{"X-Remove-By-Router"}
	want := golden(t, "exim1", "mbox")
	when, err := time.Parse("Mon, 02 Jan 2006 15:04:05 -0700", "Mon, 30 Nov 2026 05:00:32 +0000")
	if err != nil {
		t.Fatal(err)
	}
	ctx := &expand.Context{Vars: mapVars{"local_part": "mb", "domain": "test.example"}}
	got, n := write(t, msg, &WriteOptions{
		Ctx: ctx, Addrs: []*item.Address{a},
		HeadersAdd:    `X-Added: $local_part@$domain\nX-Second: two`,
		HeadersRemove: "X-Remove-Me : x-wild*",
		ReturnPath:    "sender@example.org", AddReturnPath: true,
		AddEnvelopeTo: true, AddDeliveryDate: true, Now: when,
		CheckString: "From ", EscapeString: ">From ",
		Prefix: "From sender@example.org Mon Nov 30 05:00:32 2026\n", Suffix: "\n",
	})
	if got != want {
		t.Errorf("mbox differs:\n%s\nExim:\n%s", got, want)
	}
	if n.Newlines != strings.Count(want, "\n")-2 {
		t.Errorf("newlines %d", n.Newlines)
	}
}

// TestWriteLikeEximMaildir compares with the fixture's Maildir file (no
// escaping, Return-path: only); its size is in the ,S= tag Exim added.
func TestWriteLikeEximMaildir(t *testing.T) {
	msg := fixture(t, "exim1")
	want := golden(t, "exim1", "maildir")
	got, n := write(t, msg, &WriteOptions{
		Addrs:      []*item.Address{item.New("md@test.example")},
		ReturnPath: "sender@example.org", AddReturnPath: true,
	})
	if got != want {
		t.Errorf("maildir file differs:\n%s\nExim:\n%s", got, want)
	}
	if n.Bytes != 551 {
		t.Errorf("size %d, Exim's tag says 551", n.Bytes)
	}
}
