package plainfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenAndReadFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	f, err := Open(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("hello\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, _ := os.Stat(name); fi.Mode().Perm()&^0o640 != 0 {
		t.Errorf("mode %v", fi.Mode())
	}
	b, err := ReadFile(name)
	if err != nil || string(b) != "hello\n" {
		t.Fatalf("ReadFile: %q %v", b, err)
	}
	_, err = Open(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrExist) || !errors.As(err, &pe) || pe.Path != name {
		t.Fatalf("second exclusive create: %v", err)
	}
	if _, err := ReadFile(name + ".missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}
