package cli

// Golden tests: every case in testdata/expand/cases.txt runs through
// cli.Main ("exigo -C exim.conf -be CASE") and must print exactly what
// Exim 4.96 printed for it (testdata/expand/goldens.jsonl, recorded by
// scripts/record-goldens).

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"exigo/scripts/testdns/testenv"
)

const testVarValue = "value of the test variable" // as scripts/record-goldens exports it

// expandCase is one line of cases.txt with its markers.
type expandCase struct {
	in      string
	line    int
	section string  // the last "# ===== name =====" heading before it
	flags   string  // extra command-line options ("#flags:")
	differs string  // why exigo deliberately differs ("" when it does not)
	want    *string // exigo's own expected stdout when it differs
}

// golden is one record of goldens.jsonl.
type golden struct {
	In     string `json:"in"`
	Flags  string `json:"flags"`
	Out    string `json:"out"`
	OutB64 string `json:"out_b64"`
	Err    string `json:"err"`
	RC     int    `json:"rc"`
}

func (g golden) stdout() (string, error) {
	if g.OutB64 == "" {
		return g.Out, nil
	}
	b, err := base64.StdEncoding.DecodeString(g.OutB64)
	return string(b), err
}

func readCases(path string) ([]expandCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []expandCase
	var pending expandCase
	section := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# ====="):
			section = strings.Trim(line, "# =")
		case strings.HasPrefix(line, "#flags:"):
			pending.flags = strings.TrimSpace(strings.TrimPrefix(line, "#flags:"))
		case strings.HasPrefix(line, "#differs:"):
			pending.differs = strings.TrimSpace(strings.TrimPrefix(line, "#differs:"))
		case strings.HasPrefix(line, "#exigo-want:"):
			var w string
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "#exigo-want:")), &w); err != nil {
				return nil, fmt.Errorf("%s:%d: #exigo-want needs a JSON string: %v", path, n, err)
			}
			pending.want = &w
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			if (pending.differs == "") != (pending.want == nil) {
				return nil, fmt.Errorf("%s:%d: #differs and #exigo-want go together", path, n)
			}
			pending.in, pending.line, pending.section = line, n, section
			cases = append(cases, pending)
			pending = expandCase{}
		}
	}
	return cases, sc.Err()
}

// goldenKey identifies a case: the same string may run with other flags.
func goldenKey(flags, in string) string { return flags + "\x00" + in }

func readGoldens(path string) (map[string]golden, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]golden{}
	for i, line := range bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n")) {
		var g golden
		if err := json.Unmarshal(line, &g); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, i+1, err)
		}
		out[goldenKey(g.Flags, g.In)] = g
	}
	return out, nil
}

// goldenEnv is the world a case runs in: paths, servers, and how to map
// between the tokens in cases and the real values.
type goldenEnv struct {
	dataDir, sockDir, spool, echoPort string
}

func (e *goldenEnv) substitute(s string) string {
	s = strings.ReplaceAll(s, "SOCKDIR/", e.sockDir+"/") // first: SOCKDIR/ contains DIR/
	s = strings.ReplaceAll(s, "DIR/", e.dataDir+"/")
	return strings.ReplaceAll(s, "ECHOPORT", e.echoPort)
}

var (
	timestampRE = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d `)
	euidRE      = regexp.MustCompile(`\(euid=\d+ egid=\d+\)`) // depends on who runs the test
)

func (e *goldenEnv) normalize(s string) string {
	s = strings.ReplaceAll(s, e.sockDir+"/", "SOCKDIR/")
	s = strings.ReplaceAll(s, e.dataDir+"/", "DIR/")
	s = strings.ReplaceAll(s, "127.0.0.1:"+e.echoPort, "127.0.0.1:ECHOPORT")
	s = strings.ReplaceAll(s, e.spool, "SPOOL")
	return euidRE.ReplaceAllString(s, "(euid=N egid=N)")
}

func (e *goldenEnv) normalizeErr(s string) string {
	return timestampRE.ReplaceAllString(e.normalize(s), "TIMESTAMP ")
}

// startGoldenEnv starts the DNS and echo servers and sets the environment
// the recorder gave Exim.
func startGoldenEnv(t *testing.T) *goldenEnv {
	t.Helper()
	dataDir, err := filepath.Abs("../../testdata/expand")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := testenv.StartDNS(filepath.Join(dataDir, "zone.txt"), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	// Short and private: a unix socket path must fit in 108 bytes.
	sockDir, err := os.MkdirTemp("", "exigo-gold")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	unixL, err := net.Listen("unix", filepath.Join(sockDir, "echo.sock"))
	if err != nil {
		t.Fatal(err)
	}
	tcpL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unixL.Close(); tcpL.Close() })
	go testenv.ServeEcho(unixL)
	go testenv.ServeEcho(tcpL)
	t.Setenv("EXIGO_DNS_SERVERS", srv.Addr)
	t.Setenv("EXIGO_NO_SYSTEM_RESOLVER", "1") // never the machine's resolver
	t.Setenv("EXIGO_TEST_VAR", testVarValue)
	_, port, _ := net.SplitHostPort(tcpL.Addr().String())
	return &goldenEnv{dataDir: dataDir, sockDir: sockDir, spool: t.TempDir(), echoPort: port}
}

// runResult is what one in-process exigo run printed.
type runResult struct {
	stdout, stderr string
	rc             int
	panicked       any
	timedOut       bool
}

// runExigo calls Main with a time limit, turning a panic into a result so
// that one broken case does not hide the others.
func runExigo(args []string, stdin string, limit time.Duration) runResult {
	done := make(chan runResult, 1)
	go func() {
		var out, errb bytes.Buffer
		var r runResult
		defer func() {
			if p := recover(); p != nil {
				r.panicked = p
			}
			r.stdout, r.stderr = out.String(), errb.String()
			done <- r
		}()
		var in io.Reader // nil, not an empty reader: -be with no stdin
		if stdin != "" {
			in = strings.NewReader(stdin)
		}
		r.rc = Main(args, in, &out, &errb)
	}()
	select {
	case r := <-done:
		return r
	case <-time.After(limit):
		return runResult{timedOut: true}
	}
}

func TestGoldenExpand(t *testing.T) {
	env := startGoldenEnv(t)
	cases, err := readCases(filepath.Join(env.dataDir, "cases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	goldens, err := readGoldens(filepath.Join(env.dataDir, "goldens.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(env.dataDir, "exim.conf")
	failed := 0
	var sections []string
	bySection := map[string]*tally{}
	for _, c := range cases {
		st := bySection[c.section]
		if st == nil {
			st = &tally{}
			bySection[c.section] = st
			sections = append(sections, c.section)
		}
		if checkGoldenCase(t, env, conf, c, goldens) {
			st.pass++
		} else {
			st.fail++
			failed++
		}
	}
	for _, name := range sections {
		st := bySection[name]
		t.Logf("  %-55s %3d/%3d pass", name, st.pass, st.pass+st.fail)
	}
	t.Logf("golden expansions: %d of %d cases pass, %d fail", len(cases)-failed, len(cases), failed)
}

// checkGoldenCase runs one case and reports any difference; it returns
// whether the case passed.
func checkGoldenCase(t *testing.T, env *goldenEnv, conf string, c expandCase, goldens map[string]golden) bool {
	t.Helper()
	g, ok := goldens[goldenKey(c.flags, c.in)]
	if !ok {
		t.Errorf("cases.txt:%d %q: no golden (run scripts/record-goldens)", c.line, c.in)
		return false
	}
	wantOut, err := g.stdout()
	if err != nil {
		t.Errorf("cases.txt:%d %q: bad golden: %v", c.line, c.in, err)
		return false
	}
	wantErr := g.Err
	if c.want != nil {
		wantOut, wantErr = *c.want, ""
	}
	args := []string{"exigo", "-C", conf, "-DDIR=" + env.dataDir, "-DSPOOL=" + env.spool}
	args = append(args, strings.Fields(c.flags)...)
	args = append(args, "-be", env.substitute(c.in))
	r := runExigo(args, "", 20*time.Second)
	switch {
	case r.timedOut:
		t.Errorf("cases.txt:%d %q: timed out", c.line, c.in)
		return false
	case r.panicked != nil:
		t.Errorf("cases.txt:%d %q: panic: %v", c.line, c.in, r.panicked)
		return false
	}
	gotOut, gotErr := env.normalize(r.stdout), env.normalizeErr(r.stderr)
	if gotOut != wantOut || gotErr != wantErr || r.rc != g.RC {
		t.Errorf("cases.txt:%d [%s] %s %q\n want: %q (stderr %q, rc %d)\n  got: %q (stderr %q, rc %d)",
			c.line, c.section, c.flags, c.in, wantOut, wantErr, g.RC, gotOut, gotErr, r.rc)
		return false
	}
	return true
}

// TestReadCasesMarkers checks the case-file syntax the golden test relies on.
func TestReadCasesMarkers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cases.txt")
	text := "# comment\n\n${lc:A}\n#flags: -f a@b\n#differs: because\n#exigo-want: \"x\\n\"\n${uc:b}\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cases, err := readCases(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 || cases[0].in != "${lc:A}" || cases[0].want != nil ||
		cases[1].differs != "because" || cases[1].want == nil || *cases[1].want != "x\n" || cases[1].line != 7 ||
		cases[0].flags != "" || cases[1].flags != "-f a@b" {
		t.Fatalf("readCases = %+v", cases)
	}
	if err := os.WriteFile(path, []byte("#differs: lonely\n${lc:A}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readCases(path); err == nil {
		t.Fatal("a #differs without #exigo-want was accepted")
	}
}
