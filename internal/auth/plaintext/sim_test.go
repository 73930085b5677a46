package plaintext

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"exigo/internal/auth"
	"exigo/internal/conf"
	"exigo/internal/expand"
)

// mapVars is a small expand.Vars for tests.
type mapVars map[string]string

func (m mapVars) Var(name string) (string, bool, bool) {
	v, ok := m[name]
	return v, false, ok
}

// header is the main section the test configurations get, for exigo and
// for Exim alike; dir holds Exim's spool and logs.
func header(dir string, macros ...string) string {
	abs, _ := filepath.Abs("testdata")
	h := fmt.Sprintf("primary_hostname = myhost.test.ex\nspool_directory = %s/spool\nlog_file_path = %s/%%slog\n"+
		"exim_user = root\nexim_group = root\nkeep_environment =\nCONFDIR = %s\n", dir, dir, abs)
	for _, m := range macros {
		h += m + "\n"
	}
	return h
}

// configText is a test configuration: the header and a testdata file.
func configText(t *testing.T, dir, file string, macros ...string) string {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return header(dir, macros...) + string(body)
}

func build(t *testing.T, text string) []*auth.Instance {
	t.Helper()
	cfg, err := conf.Parse("test.conf", text, nil)
	if err != nil {
		t.Fatal(err)
	}
	insts, err := auth.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return insts
}

// smtpSim plays the SMTP server's part around package auth for a scripted
// client, as "exim -bh" does: the EHLO AUTH line, each AUTH command's
// replies and the log lines. Lines are what the client sends after EHLO.
type smtpSim struct {
	insts      []*auth.Instance
	vars       mapVars
	sess       *auth.Session
	advertised map[*auth.Instance]bool
	authed     bool
	lines      []string
	replies    []string
	logs       []string
}

func newSim(insts []*auth.Instance, vars mapVars) *smtpSim {
	return &smtpSim{insts: insts, vars: vars, sess: auth.NewSession(), advertised: map[*auth.Instance]bool{}}
}

func (s *smtpSim) expand(str string) (string, error) {
	c := &expand.Context{Vars: s.vars}
	return c.Expand(str)
}

// ehlo works out what EHLO advertises and returns its AUTH line text.
func (s *smtpSim) ehlo() string {
	var adv []*auth.Instance
	for _, i := range s.insts {
		if i.Server == nil {
			continue
		}
		ok, panicLog := i.Advertised(s.expand)
		if panicLog != "" {
			s.logs = append(s.logs, "LOG: "+panicLog)
		}
		if ok {
			s.advertised[i] = true
			adv = append(adv, i)
		}
	}
	return auth.EHLOKeyword(adv)
}

func (s *smtpSim) run(lines []string) {
	s.lines = lines
	for len(s.lines) > 0 {
		line := s.next()
		verb, arg, _ := strings.Cut(line, " ")
		if !strings.EqualFold(verb, "AUTH") {
			s.replies = append(s.replies, "500 unrecognized command")
			continue
		}
		s.replies = append(s.replies, s.authCommand(arg))
	}
}

func (s *smtpSim) next() string {
	l := s.lines[0]
	s.lines = s.lines[1:]
	return l
}

func (s *smtpSim) authCommand(arg string) string {
	if len(s.advertised) == 0 {
		return "503 AUTH command used when not advertised"
	}
	if s.authed {
		return "503 already authenticated"
	}
	mech, data, ok := auth.ParseCommand(arg)
	if !ok {
		return "501 invalid character in authentication mechanism name"
	}
	inst := auth.Find(s.insts, mech, func(i *auth.Instance) bool { return s.advertised[i] }, false)
	if inst == nil {
		return "504 " + mech + " authentication mechanism not supported"
	}
	o := s.sess.Authenticate(inst, s, data)
	if line, ok := o.FailureLog(inst, "(x) [10.0.0.1]"); ok {
		s.logs = append(s.logs, "LOG: "+line)
	}
	s.authed = s.authed || o.Authenticated
	return o.Reply
}

// Challenge and Expand make the simulator the Exchange.
func (s *smtpSim) Challenge(prompt []byte) (string, error) {
	s.replies = append(s.replies, "334 "+auth.Encode64(prompt))
	if len(s.lines) == 0 {
		return "", nil
	}
	return s.next(), nil
}

func (s *smtpSim) Expand(str string, vals []string) (string, error) {
	c := &expand.Context{Vars: auth.Vars(s.vars, vals)}
	return c.Expand(str)
}

func b64(s string) string { return auth.Encode64([]byte(s)) }

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

func absTestdata(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func buildWith(t *testing.T, text string, defines map[string]string) []*auth.Instance {
	t.Helper()
	cfg, err := conf.Parse("test.conf", text, defines)
	if err != nil {
		t.Fatal(err)
	}
	insts, err := auth.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return insts
}
