package router

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"exigo/internal/expand/funcs"
)

func TestHostPort(t *testing.T) {
	for _, c := range []struct {
		in, name string
		port     int
	}{
		{"mx1.test:2525", "mx1.test", 2525},
		{"[192.0.2.9]:26", "192.0.2.9", 26},
		{"2001:db8::1", "2001:db8::1", 0}, // other colons: no port
		{"[2001:db8::1]:25", "2001:db8::1", 25},
		{"host", "host", 0},
		{":1", ":1", 0}, // too short to have a port
		{"h:1", "h", 1},
	} {
		name, port := hostPort(c.in)
		if name != c.name || port != c.port {
			t.Errorf("hostPort(%q) = %q, %d; want %q, %d", c.in, name, port, c.name, c.port)
		}
	}
}

func TestBuildHostListGroups(t *testing.T) {
	hs := buildHostList("a:b:+:c", true)
	if len(hs) != 3 || hs[2].Name != "c" || hs[0].MX != -2 || hs[2].MX != -3 {
		t.Errorf("randomized groups: %+v", hs)
	}
	hs = buildHostList("a:+:b", false)
	if len(hs) != 2 || hs[0].Name != "a" || hs[1].Name != "b" || hs[0].MX != -1 {
		t.Errorf("plain: %+v", hs)
	}
}

func TestDequoteWord(t *testing.T) {
	for _, c := range []struct{ in, word, rest string }{
		{"abc def", "abc", " def"},
		{`"a b" c`, "a b", " c"},
		{`"a\"b\tc"`, "a\"b\tc", ""},
		{`"\101x"`, "Ax", ""},
		{"plain", "plain", ""},
	} {
		w, r := funcs.Dequote(c.in)
		if w != c.word || r != c.rest {
			t.Errorf("Dequote(%q) = %q, %q; want %q, %q", c.in, w, r, c.word, c.rest)
		}
	}
}

func TestRouteOptionPrefixes(t *testing.T) {
	env := testEnv(t, "begin routers\nr:\n  driver = manualroute\n  route_list = * x\n"+transports, nil)
	r := env.Config.Router("r")
	o, _ := parseRouteOptions(env, r, nil, "rand byn t")
	if !o.randomize || o.lookup != "byname" || o.transport == nil || o.transport.Name != "t" {
		t.Errorf("options %+v", o)
	}
}

func TestRedirectFileOwner(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "fwd")
	if err := os.WriteFile(file, []byte("a@test.ex\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := "begin routers\nr:\n  driver = redirect\n  file = " + file + "\n  owners = 4242\n" + transports
	env := testEnv(t, conf, nil)
	env.rs = &routeState{vars: newRouteVars(nil)}
	_, rc, msg := env.readRedirectFile(env.Config.Router("r"), file)
	if rc != ffError || msg != "bad owner for "+file {
		t.Errorf("owners = 4242: %v %q", rc, msg)
	}
	uid := os.Getuid()
	env = testEnv(t, strings.Replace(conf, "4242", strconv.Itoa(uid), 1), nil)
	env.rs = &routeState{vars: newRouteVars(nil)}
	if _, rc, msg := env.readRedirectFile(env.Config.Router("r"), file); rc != ffDelivered {
		t.Errorf("owners = %d: %v %q", uid, rc, msg)
	}
}
