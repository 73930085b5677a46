package retry

import (
	"os"
	"path/filepath"
	"testing"

	"exigo/internal/conf"
	"exigo/internal/expand"
)

// loadConfig reads a configuration text.
func loadConfig(t *testing.T, text string) *conf.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "conf")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := conf.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func rulesFor(t *testing.T, retrySection string) *Rules {
	t.Helper()
	cfg := loadConfig(t, "primary_hostname = test.ex\nbegin retry\n"+retrySection)
	ctx := &expand.Context{}
	rs, err := New(cfg, nil, ctx.Expand)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}
