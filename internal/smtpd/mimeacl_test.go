package smtpd

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// The body copy for content scanning moves to an unnamed file past its
// limit and gives back exactly what was written.
func TestBodyCopySpills(t *testing.T) {
	dir := t.TempDir()
	b := &bodyCopy{limit: 10, dir: dir + "/scan"}
	want := strings.Repeat("0123456789\n", 5)
	for i := 0; i < len(want); i += 7 {
		b.Write([]byte(want[i:min(i+7, len(want))]))
	}
	if b.file == nil {
		t.Fatal("no spill past the limit")
	}
	var out bytes.Buffer
	if err := b.writeTo(&out); err != nil || out.String() != want {
		t.Fatalf("copy %q, %v", out.String(), err)
	}
	if names, _ := os.ReadDir(dir + "/scan"); len(names) != 0 {
		t.Errorf("spill file visible: %v", names)
	}
	b.discard()
	var nilCopy *bodyCopy
	nilCopy.discard() // no copy kept: nothing to do
}

func TestBodyCopyInMemory(t *testing.T) {
	b := &bodyCopy{dir: "/nonexistent"}
	b.Write([]byte("abc"))
	var out bytes.Buffer
	if err := b.writeTo(&out); err != nil || out.String() != "abc" || b.file != nil {
		t.Fatalf("copy %q, %v", out.String(), err)
	}
}
