package router

import (
	"os"
	"path/filepath"
	"testing"

	"exigo/internal/item"
)

func TestRouteRedirectFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "forward")
	if err := os.WriteFile(name, []byte("# a comment\na@test.ex, b@test.ex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := testEnv(t, `begin routers
forward:
  driver = redirect
  file = `+name+`
  check_owner = false
  check_group = false
last:
  driver = accept
  transport = t
`+transports, nil)
	a := item.New("list@test.ex")
	res, kids, _ := Route(env, a)
	if res != item.OK || len(kids) != 2 || kids[0].Address != "a@test.ex" || kids[1].Address != "b@test.ex" {
		t.Fatalf("res %v kids %v message %q", res, kids, a.Message)
	}
	if err := os.Chmod(name, 0o622); err != nil {
		t.Fatal(err)
	}
	a = item.New("list@test.ex")
	if res, _, _ := Route(env, a); res != item.Defer || a.Message != "bad mode (0100622) for "+name+": 022 bit(s) unexpected" {
		t.Errorf("res %v message %q", res, a.Message)
	}
}
