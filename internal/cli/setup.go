package cli

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"exigo/internal/acl"
	"exigo/internal/address"
	"exigo/internal/conf"
	"exigo/internal/dnsx"
	"exigo/internal/expand"
	"exigo/internal/lists"
)

//go:embed default.conf
var defaultConfig string

// DataDirEnv overrides where the built-in configuration keeps its spool,
// logs and Maildir.
const DataDirEnv = "EXIGO_DATA_DIR"

// DataDir is the built-in configuration's data directory:
// $EXIGO_DATA_DIR, else $XDG_DATA_HOME/exigo, else ~/.local/share/exigo.
func DataDir() string {
	if d := os.Getenv(DataDirEnv); d != "" {
		return d
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "exigo")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "exigo")
	}
	return filepath.Join(home, ".local", "share", "exigo")
}

// loadConfig reads -C's file, or the built-in default configuration.
func (r *run) loadConfig() (*conf.Config, error) {
	if r.opts.ConfigFile == "" {
		defines := map[string]string{"EXIGO_DATA": DataDir()}
		for k, v := range r.opts.Defines {
			defines[k] = v
		}
		return conf.Parse("<built-in default configuration>", defaultConfig, defines)
	}
	cfg, err := conf.Load(r.opts.ConfigFile, r.opts.Defines)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("non-existent configuration file(s): %s", r.opts.ConfigFile)
	}
	return cfg, err
}

// configOrDie loads the configuration and reports errors as Exim does.
func (r *run) configOrDie() (*conf.Config, bool) {
	cfg, err := r.loadConfig()
	if err != nil {
		fmt.Fprintf(r.stderr, "%s %v\n", logStamp(), err)
		return nil, false
	}
	if err := setupResolver(cfg); err != nil {
		fmt.Fprintf(r.stderr, "%s %v\n", logStamp(), err)
		return nil, false
	}
	return cfg, true
}

// setupResolver points the process-wide resolver at dns_servers, or at
// $EXIGO_DNS_SERVERS, or leaves /etc/resolv.conf in charge.
func setupResolver(cfg *conf.Config) error {
	servers, err := dnsx.ParseServers(cfg.StringList("dns_servers"))
	if err != nil {
		return fmt.Errorf("dns_servers: %v", err)
	}
	if len(servers) == 0 {
		if servers, err = dnsx.ServersFromEnv(); err != nil {
			return fmt.Errorf("%s: %v", dnsx.ServersEnv, err)
		}
	}
	search := cfg.StringList("dns_search_domains")
	if len(servers) > 0 || len(search) > 0 {
		dnsx.SetDefault(&dnsx.Resolver{Servers: servers, Search: search})
	}
	return nil
}

// configVars exposes option-backed variables plus the command's own.
type configVars struct {
	cfg      *conf.Config
	eximPath string
	sender   *string // -f, already qualified
	session  *sessionVars
}

func (v *configVars) Var(name string) (string, bool, bool) {
	if name == "sender_address" && v.sender != nil {
		// The envelope sender comes from outside: tainted, as in Exim.
		return *v.sender, true, true
	}
	if name == "exim_path" && v.eximPath != "" {
		if val, ok := v.cfg.Var(name); ok && val != "" {
			return val, false, true
		}
		return v.eximPath, false, true
	}
	if val, ok := v.cfg.Var(name); ok {
		return val, false, true
	}
	if v.session != nil {
		return v.session.Var(name)
	}
	return "", false, false
}

// expandContext builds the context for -be: no message, the config's
// variables and named lists.
func (r *run) expandContext(cfg *conf.Config) *expand.Context {
	vars := &configVars{cfg: cfg, eximPath: executable(), session: newSessionVars(r.opts.Session, cfg.QualifyDomain())}
	if r.opts.Sender != nil {
		s := qualifySender(*r.opts.Sender, cfg.QualifyDomain())
		vars.sender = &s
	}
	ctx := &expand.Context{Vars: vars, Environ: environment(cfg), Log: r.logLine}
	ctx.Lists = &lists.Env{
		Named:           cfg,
		PrimaryHostname: cfg.PrimaryHostname(),
		Resolver:        dnsx.Default(),
		Expand:          ctx.Expand,
		Log:             r.logLine,
	}
	if r.opts.DebugOn {
		ctx.Debug = r.stderr
	}
	// ${acl} and the acl condition run ACLs of the configuration, with
	// the variables they set ($acl_arg1 ...) in front of the others.
	state := acl.NewState()
	ctx.Vars = stateVars{state: state, base: vars}
	env := &acl.Env{Config: cfg, Ctx: ctx, State: state, Log: cliACLLog{r}}
	ctx.RunACL = env.ExpansionRunner()
	return ctx
}

// stateVars puts ACL-set variables in front of the command's own.
type stateVars struct {
	state *acl.State
	base  expand.Vars
}

func (v stateVars) Var(name string) (string, bool, bool) {
	if val, ok := v.state.Vars[name]; ok {
		return val, false, true
	}
	return v.base.Var(name)
}

// cliACLLog writes ACL log lines as the command's other log lines.
type cliACLLog struct{ r *run }

func (l cliACLLog) Main(t string)   { l.r.logLine(t) }
func (l cliACLLog) Reject(t string) { l.r.logLine(t) }
func (l cliACLLog) Panic(t string)  { l.r.logLine(t) }

// trimContinuation joins a -be input line ending in a backslash with the
// next one, dropping the next line's leading white space, as Exim does.
func joinContinuation(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			l = strings.TrimLeft(l, " \t")
		}
		b.WriteString(l)
	}
	return b.String()
}

// logLine writes a main log line; with no log files of its own yet, the
// command writes them to standard error as Exim does when it cannot log.
func (r *run) logLine(line string) {
	fmt.Fprintf(r.stderr, "%s %s\n", logStamp(), line)
}

// qualifySender turns -f's argument into $sender_address: "<>" and ""
// are the null sender; an unqualified local part gets qualify_domain,
// quoted where RFC 5322 needs it.
func qualifySender(s, qualifyDomain string) string {
	if s == "" || s == "<>" {
		return ""
	}
	p, err := address.Extract(s)
	if err != nil {
		return s
	}
	if p.Domain == "" {
		return address.QuoteLocalPart(p.LocalPart) + "@" + qualifyDomain
	}
	return p.Address
}

// executable is this binary's path ($exim_path), looked up once.
var executable = sync.OnceValue(func() string {
	self, _ := os.Executable()
	return self
})

// lastEnvironment caches environment's result for the configuration in
// use: every delivery makes an expansion context, and a configuration
// does not change once read. One entry, so that reloads do not pile up.
var lastEnvironment atomic.Pointer[cachedEnvironment]

type cachedEnvironment struct {
	cfg *conf.Config
	env []string
}

// environment is what Exim leaves of the process environment: the
// variables keep_environment names (names, "*" suffix patterns or "^"
// regular expressions), then add_environment's NAME=value settings.
func environment(cfg *conf.Config) []string {
	if c := lastEnvironment.Load(); c != nil && c.cfg == cfg {
		return c.env
	}
	env := buildEnvironment(cfg)
	env = env[:len(env):len(env)] // an append by a caller copies
	lastEnvironment.Store(&cachedEnvironment{cfg: cfg, env: env})
	return env
}

func buildEnvironment(cfg *conf.Config) []string {
	env := []string{}
	keep := cfg.StringList("keep_environment")
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if keepName(keep, name) {
			env = append(env, kv)
		}
	}
	for _, add := range cfg.StringList("add_environment") {
		if strings.Contains(add, "=") {
			env = append(env, add)
		}
	}
	return env
}

func keepName(patterns []string, name string) bool {
	for _, p := range patterns {
		switch {
		case strings.HasPrefix(p, "^"):
			if re, err := regexp.Compile(p); err == nil && re.MatchString(name) {
				return true
			}
		case strings.HasSuffix(p, "*"):
			if strings.HasPrefix(name, strings.TrimSuffix(p, "*")) {
				return true
			}
		case p == name:
			return true
		}
	}
	return false
}
