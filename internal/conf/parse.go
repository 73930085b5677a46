package conf

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"exigo/internal/lists"
)

// Load reads the configuration file at path. defines are -D macros.
func Load(path string, defines map[string]string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	abs := path
	if a, err := filepath.Abs(path); err == nil {
		abs = a
	}
	return parse(path, filepath.Dir(abs), f, defines)
}

// Parse reads a configuration held in memory; name is used in errors and
// relative .include names are taken from the current directory.
func Parse(name, text string, defines map[string]string) (*Config, error) {
	return parse(name, ".", strings.NewReader(text), defines)
}

// parser holds the state of one read.
type parser struct {
	cfg     *Config
	rd      *reader
	macros  *macroTable
	section string
	// pending is a logical line read ahead by a section parser.
	pending *line
}

func parse(name, dir string, r io.Reader, defines map[string]string) (*Config, error) {
	macros, err := newMacroTable(defines)
	if err != nil {
		return nil, err
	}
	p := &parser{
		cfg: &Config{
			Options: newOptions(KindMain, ""),
			File:    name,
			ACLs:    map[string]*ACL{},
			lists:   map[lists.Kind]map[string]*NamedList{},
		},
		rd:      newReader(name, dir, r, macros),
		macros:  macros,
		section: "main",
	}
	defer p.rd.close()
	if err := p.run(); err != nil {
		return nil, err
	}
	p.cfg.Macros, p.cfg.macroTab = macros.snapshot(), macros
	if err := p.cfg.check(); err != nil {
		return nil, err
	}
	p.cfg.collectWarnings()
	return p.cfg, nil
}

// nextLine returns the next logical line of the current section; ok is
// false at a "begin" line (p.section then names the new section) or at
// the end of input (p.section is "").
func (p *parser) nextLine() (line, bool, error) {
	if p.pending != nil {
		l := *p.pending
		p.pending = nil
		return l, true, nil
	}
	l, ok, err := p.rd.next()
	if err != nil || !ok {
		p.section = ""
		return line{}, false, err
	}
	p.cfg.Lines = append(p.cfg.Lines, l.text)
	if len(l.text) > 6 && strings.EqualFold(l.text[:6], "begin ") {
		p.section = strings.TrimSpace(l.text[6:])
		return l, false, nil
	}
	return l, true, nil
}

func (p *parser) errAt(l line, format string, args ...any) error {
	return &Error{File: l.file, Line: l.num, Msg: fmt.Sprintf(format, args...)}
}

// run reads the main section, then each "begin" section in turn.
func (p *parser) run() error {
	seen := map[string]bool{}
	for {
		var err error
		var begin line
		switch p.section {
		case "":
			return nil
		case "main":
			begin, err = p.readMain()
		default:
			begin, err = p.readSection(seen)
		}
		if err != nil {
			return err
		}
		_ = begin
	}
}

// readSection dispatches on a "begin" line's section name.
func (p *parser) readSection(seen map[string]bool) (line, error) {
	name := strings.ToLower(p.section)
	last := p.rd.top()
	at := line{file: last.name, num: last.num}
	var err error
	switch name {
	case "acl", "acls":
		err = p.readACLs()
	case "routers", "router":
		err = p.readDrivers(KindRouter)
	case "transports", "transport":
		err = p.readDrivers(KindTransport)
	case "authenticators", "authenticator":
		err = p.readDrivers(KindAuthenticator)
	case "retry":
		err = p.readRetry()
	case "rewrite":
		err = p.readRewrite()
	case "local_scan":
		p.cfg.warnings = append(p.cfg.warnings, "the local_scan section is ignored: exigo has no local_scan() function")
		err = p.skipSection()
	default:
		return at, p.errAt(at, "%q is not a known configuration section name", p.section)
	}
	if seen[name] && err == nil {
		// Exim allows a section once; a second one is an error there too.
		return at, p.errAt(at, "%q section is repeated in the configuration file", name)
	}
	seen[name] = true
	return at, err
}

func (p *parser) skipSection() error {
	for {
		_, ok, err := p.nextLine()
		if err != nil || !ok {
			return err
		}
	}
}

// readMain reads main options, macro definitions and named lists.
func (p *parser) readMain() (line, error) {
	for {
		l, ok, err := p.nextLine()
		if err != nil || !ok {
			return l, err
		}
		if isUpper(l.text[0]) {
			if err := p.defineMacro(l); err != nil {
				return l, err
			}
			continue
		}
		if handled, err := p.namedList(l); handled || err != nil {
			if err != nil {
				return l, err
			}
			continue
		}
		if err := p.setOption(&p.cfg.Options, l, "main option"); err != nil {
			return l, err
		}
	}
}

func (p *parser) defineMacro(l line) error {
	err := p.macros.define(l.text)
	if e, ok := err.(*Error); ok && e.Msg != "" && e.File == "" {
		return e // Exim reports macro clashes without a line number
	}
	if err != nil {
		return p.errAt(l, "%v", err)
	}
	return nil
}

var listKinds = map[string]lists.Kind{
	"domainlist":    lists.Domain,
	"hostlist":      lists.Host,
	"addresslist":   lists.Address,
	"localpartlist": lists.LocalPart,
}

var listKindNames = map[lists.Kind]string{
	lists.Domain:    "domain",
	lists.Host:      "host",
	lists.Address:   "address",
	lists.LocalPart: "local part",
}

// namedList handles "domainlist name = value" and the other three kinds,
// with the optional "_cache" suffix and "hide" prefix.
func (p *parser) namedList(l line) (bool, error) {
	text := l.text
	hide := false
	if rest, ok := strings.CutPrefix(text, "hide "); ok {
		hide, text = true, strings.TrimLeft(rest, " \t")
	}
	word, rest := splitWord(text)
	word = strings.TrimSuffix(word, "_cache")
	kind, ok := listKinds[word]
	if !ok {
		return false, nil
	}
	name, rest := splitName(rest)
	rest = strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(rest, "=") {
		return true, p.errAt(l, "missing \"=\" after %s name", word)
	}
	if p.cfg.lists[kind] == nil {
		p.cfg.lists[kind] = map[string]*NamedList{}
	}
	if p.cfg.lists[kind][name] != nil {
		return true, p.errAt(l, "duplicate name %q for a named %s list", name, listKindNames[kind])
	}
	nl := &NamedList{Kind: kind, Name: name, Value: strings.TrimSpace(rest[1:]), Hide: hide, File: l.file, Line: l.num}
	p.cfg.lists[kind][name] = nl
	p.cfg.Lists = append(p.cfg.Lists, nl)
	return true, nil
}

// splitWord splits at the first white space.
func splitWord(s string) (string, string) {
	i := strings.IndexAny(s, " \t=")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// splitName reads a name of letters, digits and underscores after white
// space, as Exim's readconf_readname does.
func splitName(s string) (string, string) {
	s = strings.TrimLeft(s, " \t")
	if s == "" || !isAlpha(s[0]) {
		return "", s
	}
	i := 0
	for i < len(s) && isNameChar(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func isAlpha(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
