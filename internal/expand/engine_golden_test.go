package expand

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"exigo/internal/lists"
)

// TestEngineGoldens replays testdata/engine_cases.txt, whose answers
// testdata/record.sh recorded from Exim 4.96 (configuration
// testdata/engine.conf: primary_hostname myhost.test.ex, the named lists
// of testdata/expand/exim.conf, environment HOME only).
func TestEngineGoldens(t *testing.T) {
	replayGoldens(t, "testdata/engine_goldens.jsonl")
}

// TestRandomGoldens replays 3161 random expansions (random_gen.py) whose
// answers random_record.sh recorded from Exim 4.96.
func TestRandomGoldens(t *testing.T) {
	replayGoldens(t, "testdata/random_goldens.jsonl")
}

func replayGoldens(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", "/root")
	dir, err := filepath.Abs("../../testdata/expand")
	if err != nil {
		t.Fatal(err)
	}
	c := &Context{Vars: &mapVars{m: map[string]string{
		"primary_hostname": "myhost.test.ex", "qualify_domain": "myhost.test.ex",
	}}}
	c.Lists = &lists.Env{Named: readNamedLists(t, filepath.Join(dir, "exim.conf"), dir),
		PrimaryHostname: "myhost.test.ex", Expand: c.Expand}
	pass, pending := 0, 0
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for _, line := range lines {
		var g goldenCase
		if err := json.Unmarshal([]byte(line), &g); err != nil {
			t.Fatal(err)
		}
		if g.OutB64 != "" {
			b, _ := base64.StdEncoding.DecodeString(g.OutB64)
			g.Out = string(b)
		}
		got := strings.ReplaceAll(runOne(c, strings.ReplaceAll(g.In, "DIR/", dir+"/")), dir+"/", "DIR/")
		switch {
		case got == g.Out:
			pass++
		case engineSkip[g.In] != "", pendingPackage(g.In):
			pending++
		default:
			t.Errorf("%q\n want %q\n  got %q", g.In, g.Out, got)
		}
	}
	t.Logf("%s: %d of %d cases pass, %d known differences", file, pass, len(lines), pending)
}

// engineSkip are known differences, each with the reason.
var engineSkip = map[string]string{
	"${nhash{0}{abc}}":              "Exim dies of a division by zero; we report an error",
	"${dlfunc{a}{b}}":               "exigo has no ${dlfunc} (Debian's Exim has)",
	"${perl{x}}":                    "exigo has no ${perl} (Debian's Exim has)",
	"${imapfolder{INBOX.a}}":        "no ${imapfolder} yet (internationalisation)",
	"${srs_encode{a}{b}{c}}":        "SRS belongs to the srs feature package, which registers it",
	"${if inbound_srs{a}{b}{y}{n}}": "SRS belongs to the srs feature package, which registers it",
}
