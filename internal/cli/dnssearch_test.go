package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"exigo/internal/dnsx"
	"exigo/internal/dnsx/dnstest"
)

// dnslookup's qualify_single (on by default) gives a single-label domain
// the default domain, the first of dns_search_domains; search_parents
// also tries a dotted name under each search domain. -bt shows the
// widened address with the original below it, as for widen_domains.
func TestDNSLookupQualifySearch(t *testing.T) {
	srv, err := dnstest.Start(`
mx.a.test.      300 IN A 192.0.2.1
deep.x.b.test.  300 IN A 198.51.100.2
`, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	old := dnsx.Default()
	t.Cleanup(func() { dnsx.SetDefault(old) })
	t.Setenv("EXIGO_NO_SYSTEM_RESOLVER", "1")
	dir := t.TempDir()
	conf := filepath.Join(dir, "conf")
	os.WriteFile(conf, []byte(fmt.Sprintf(`
primary_hostname = myhost.test
spool_directory = %[1]s/spool
log_file_path = %[1]s/log/%%slog
dns_servers = %[2]s
dns_search_domains = a.test : b.test
begin routers
single:
  driver = dnslookup
  local_parts = single
  transport = smtp
nosingle:
  driver = dnslookup
  local_parts = nosingle
  no_qualify_single
  transport = smtp
parents:
  driver = dnslookup
  local_parts = parents
  search_parents
  transport = smtp
begin transports
smtp:
  driver = smtp
`, dir, strings.Replace(srv.Addr, ":", ".", 1))), 0o644)
	var out, errs bytes.Buffer
	Main([]string{"exigo", "-C", conf, "-bt", "single@mx", "nosingle@mx", "parents@deep.x", "single@deep.x"}, nil, &out, &errs)
	want := `single@mx.a.test
    <-- single@mx
  router = single, transport = smtp
  host mx.a.test [192.0.2.1]
nosingle@mx is undeliverable: Unrouteable address
parents@deep.x.b.test
    <-- parents@deep.x
  router = parents, transport = smtp
  host deep.x.b.test [198.51.100.2]
single@deep.x is undeliverable: Unrouteable address
`
	if out.String() != want {
		t.Errorf("-bt:\n%s\nwant:\n%s\nstderr: %s", out.String(), want, errs.String())
	}
}
