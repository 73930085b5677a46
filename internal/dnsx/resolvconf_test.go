package dnsx

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestResolvConfReadAgainWhenChanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resolv.conf")
	var c resolvConfCache
	write := func(s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("nameserver 192.0.2.1\nsearch a.test b.test.\n")
	servers, search := c.read(path)
	if !reflect.DeepEqual(servers, []string{"192.0.2.1:53"}) || !reflect.DeepEqual(search, []string{"a.test", "b.test"}) {
		t.Fatalf("first reading: %v %v", servers, search)
	}
	write("nameserver 192.0.2.22\nnameserver ::1\ndomain c.test\n")
	servers, search = c.read(path)
	if !reflect.DeepEqual(servers, []string{"192.0.2.22:53", "[::1]:53"}) || !reflect.DeepEqual(search, []string{"c.test"}) {
		t.Fatalf("after the change: %v %v", servers, search)
	}
	os.Remove(path)
	if servers, search = c.read(path); servers != nil || search != nil {
		t.Fatalf("file gone: %v %v", servers, search)
	}
}
