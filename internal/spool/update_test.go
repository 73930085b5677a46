package spool

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestRewriteJournalRemove(t *testing.T) {
	sp, err := Open(t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	id := NewID(time.Now(), 1234, -1)
	in, err := sp.Begin(id)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(in.Body(), "body\n")
	h := &Header{ID: id, Originator: "u", Sender: "s@example.org", Received: time.Now(),
		Recipients: []Recipient{{Address: "a@example.org"}, {Address: "b@example.org"}},
		Headers:    []HeaderLine{{Type: HeaderOther, Text: "Subject: x\n"}}}
	if err := in.Commit(h); err != nil {
		t.Fatal(err)
	}
	j, err := sp.OpenJournal(id)
	if err != nil {
		t.Fatal(err)
	}
	j.Delivered("a@example.org")
	j.Close()
	got, _ := sp.ReadJournal(id)
	if strings.Join(got, ",") != "a@example.org" {
		t.Fatalf("journal %q", got)
	}
	h.NonRecipients = NewAddrTree(got...)
	if err := sp.Rewrite(h); err != nil {
		t.Fatal(err)
	}
	sp.RemoveJournal(id)
	back, err := sp.ReadHeader(id)
	if err != nil || !back.Delivered("a@example.org") || back.Delivered("b@example.org") {
		t.Fatalf("rewritten header: %v %+v", err, back)
	}
	if err := sp.Remove(id); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sp.InputPath(id, "-D")); err == nil {
		t.Fatal("-D still there")
	}
}
