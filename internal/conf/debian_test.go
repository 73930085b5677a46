package conf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Debian's generated configurations (scripts/record-debian-configs) must
// read unchanged, with the routers and transports Exim 4.96 reads from
// them, in the same order.
func TestDebianConfigs(t *testing.T) {
	for _, form := range []string{"local", "internet", "smarthost"} {
		t.Run(form, func(t *testing.T) {
			path := filepath.Join("testdata", "debian", form+".conf")
			c, err := Load(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			compareNames(t, path, "router_list", c.Routers)
			compareNames(t, path, "transport_list", c.Transports)
			if len(c.ACLs) < 2 || c.ACLs["acl_check_rcpt"] == nil {
				t.Errorf("ACLs: %v", c.ACLOrder)
			}
			if c.String("acl_smtp_rcpt") == "" {
				t.Error("acl_smtp_rcpt unset")
			}
		})
	}
}

func compareNames(t *testing.T, conf, what string, got []*Driver) {
	t.Helper()
	want, err := os.ReadFile(strings.TrimSuffix(conf, ".conf") + "." + what)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range got {
		names = append(names, d.Name)
	}
	if g, w := strings.Join(names, "\n"), strings.TrimSpace(string(want)); g != w {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}
