package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// -be strings get the configuration's macros, built-in ones too, before
// expansion: Exim 4.96 printed these lines for the same configuration.
func TestExpandSubstitutesMacros(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "conf")
	os.WriteFile(conf, []byte("ZZ = world\nY = hello\nprimary_hostname = t.example\nspool_directory = "+dir+"/spool\n"), 0o644)
	var out, errs bytes.Buffer
	Main([]string{"exigo", "-C", conf, "-be", "Y", "x Y ZZ", "${if eq{Y}{hello}{yes}{no}}", "_DRIVER_ROUTER_ACCEPT"}, nil, &out, &errs)
	if want := "hello\nx hello world\nyes\ny\n"; out.String() != want {
		t.Errorf("-be arguments: %q (stderr %q), want %q", out.String(), errs.String(), want)
	}
	out.Reset()
	Main([]string{"exigo", "-C", conf, "-be"}, strings.NewReader("Y\nx ZZ\n"), &out, &errs)
	if want := "> hello\n> x world\n> \n"; out.String() != want {
		t.Errorf("-be lines: %q, want %q", out.String(), want)
	}
}
