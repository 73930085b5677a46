package cli

import (
	"fmt"
	"strings"
)

// Mode is what one run of exigo does (Exim's -b options).
type Mode string

const (
	ModeNone     Mode = ""
	ModeExpand   Mode = "be" // -be: expansion testing
	ModePrint    Mode = "bP" // -bP: print configuration options
	ModeVersion  Mode = "bV" // -bV: version, features, configuration check
	ModeHelp     Mode = "help"
	ModeDaemon   Mode = "bd"       // -bd: the SMTP daemon
	ModeSMTP     Mode = "bs"       // -bs: SMTP on standard input and output
	ModeHostCk   Mode = "bh"       // -bh IP: host checking session
	ModeMessage  Mode = "bm"       // -bm / -t: a message on standard input
	ModeQueue    Mode = "bp"       // -bp, -bpc, -bpr, -bpu, -bpa: list the queue
	ModeRun      Mode = "q"        // -q, -qf, -qff, -M and the other -M options
	ModeChild    Mode = "MCworker" // a local delivery worker (internal)
	ModeHintsDB  Mode = "hintsdb"  // -bdumpdb, -btidydb: the hints databases
	ModeAddrTest Mode = "bt"       // -bt: address testing
	ModeVerify   Mode = "bv"       // -bv, -bvs: address verification
	ModeRewrite  Mode = "brw"      // -brw address: test the rewrite rules
)

// Options is the parsed command line.
type Options struct {
	Prog       string
	Mode       Mode
	ConfigFile string            // -C
	Defines    map[string]string // -D NAME[=value], in order of appearance
	DefineList []string          // names in order, for -bP macros
	Debug      string            // -d[+selectors]; "" when not given
	DebugOn    bool
	Sender     *string // -f: the envelope sender ("" for <>); nil when not given
	// RewriteAddr is -brw's address.
	RewriteAddr string
	// Session values given with -oMa, -oMaa, -oMai, -oMas, -oMi, -oMr,
	// -oMs, -oMt and -p, keyed by the option without its dash.
	Session map[string]string
	Args    []string // what remains (strings for -be, options for -bP)

	QueueList     string // the -bp variant ("bp", "bpc", "bpr", ...)
	ExtractRcpts  bool   // -t
	DotIsData     bool   // -i, -oi: a line with only "." does not end the message
	FullName      string // -F
	DeliveryMode  string // -od?: "q", "qs", "i", "b", "f"
	VerifySender  bool   // -bvs: verify the addresses as senders
	PidFile       string // -oP
	NoDelivery    bool   // -N
	QueueInterval string // -q<time>
	QueueForce    int    // -qf: 1, -qff: 2
	MsgAction     string // -M, -Mrm, -Mf, -Mt, -Mg, -Mvh, -Mvb, -Mvl
	// SelectRecipient and SelectSender are -R and -S: a queue run for
	// messages with a recipient (sender) containing the string, or
	// matching it with the r flag (selection.go).
	SelectRecipient, SelectSender     string
	SelectRecipientRE, SelectSenderRE bool
	HintsCmd                          string // "dumpdb" or "tidydb"
}

// usageError is Exim's wording for a bad option.
type usageError struct{ opt string }

func (e *usageError) Error() string {
	return fmt.Sprintf("unknown, malformed, or incomplete option %s", e.opt)
}

// parseArgs reads Exim-style options. Like Exim, options come first and
// the first non-option argument ends them; "--" also ends them.
func parseArgs(args []string) (*Options, error) {
	o := &Options{Defines: map[string]string{}}
	if len(args) > 0 {
		o.Prog = args[0]
		args = args[1:]
	}
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			args = args[1:]
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			break
		}
		args = args[1:]
		var err error
		args, err = o.parseOne(a, args)
		if err != nil {
			return nil, err
		}
		if o.Mode == ModeHintsDB {
			break // the rest are exim_dumpdb's / exim_tidydb's own arguments
		}
	}
	o.Args = args
	o.defaultMode()
	return o, nil
}

// defaultMode applies Exim's and sendmail's implied modes: recipients
// (or -t) mean -bm, and the names mailq and sendmail set theirs.
func (o *Options) defaultMode() {
	base := o.Prog
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[i+1:]
	}
	if o.Mode == ModeNone && base == "mailq" {
		o.Mode, o.QueueList = ModeQueue, "bp"
	}
	if o.Mode == ModeNone && (len(o.Args) > 0 || o.ExtractRcpts) {
		o.Mode = ModeMessage
	}
}

// parseOne handles one option; it may consume the following argument.
func (o *Options) parseOne(a string, rest []string) ([]string, error) {
	switch {
	case a == "--help":
		o.Mode = ModeHelp
	case a == "--version":
		o.Mode = ModeVersion
	case a == "-be" || a == "-bP" || a == "-bV" || a == "-bd" || a == "-bs" || a == "-bm":
		o.Mode = Mode(a[1:])
	case a == "-bdf":
		o.Mode = ModeDaemon
	case a == "-bh" || a == "-bhc":
		o.Mode = ModeHostCk
	case a == "-bt":
		o.Mode = ModeAddrTest
	case a == "-brw":
		if len(rest) == 0 {
			return nil, &usageError{a}
		}
		o.Mode, o.RewriteAddr, rest = ModeRewrite, rest[0], rest[1:]
	case a == "-bv" || a == "-bvs":
		o.Mode, o.VerifySender = ModeVerify, a == "-bvs"
	case a == "-bp" || a == "-bpc" || a == "-bpr" || a == "-bpu" || a == "-bpa" || a == "-bpra" || a == "-bpru":
		o.Mode, o.QueueList = ModeQueue, a[1:]
	case a == "-t":
		o.ExtractRcpts = true
	case a == "-i" || a == "-oi":
		o.DotIsData = true
	case a == "-oitrue":
		o.DotIsData = true
	case a == "-F":
		if len(rest) == 0 {
			return nil, &usageError{a}
		}
		o.FullName, rest = rest[0], rest[1:]
	case strings.HasPrefix(a, "-F"):
		o.FullName = a[2:]
	case strings.HasPrefix(a, "-od"):
		o.DeliveryMode = a[3:]
	case a == "-oX" || a == "-oP":
		if len(rest) == 0 {
			return nil, &usageError{a}
		}
		if a == "-oX" {
			o.setSession("oX", rest[0])
		} else {
			o.PidFile = rest[0]
		}
		rest = rest[1:]
	case a == "-N":
		o.NoDelivery = true
	case a == "-MCworker":
		o.Mode = ModeChild
	case isSelect(a):
		var err error
		if rest, err = o.parseSelect(a, rest); err != nil {
			return nil, err
		}
	case a == "-bdumpdb" || a == "-btidydb":
		o.Mode = ModeHintsDB
		o.HintsCmd = a[2:]
	case a == "-M" || a == "-Mrm" || a == "-Mf" || a == "-Mt" || a == "-Mg" || a == "-Mvh" || a == "-Mvb" || a == "-Mvl":
		o.MsgAction = a[1:]
		if o.Mode == ModeNone {
			o.Mode = ModeRun
		}
	case strings.HasPrefix(a, "-q"):
		flags := strings.TrimLeft(a[2:], "f")
		o.QueueForce = len(a[2:]) - len(flags)
		o.QueueInterval = flags
		if o.Mode == ModeNone && flags == "" {
			o.Mode = ModeRun
		}
	case a == "-v" || a == "-ov" || strings.HasPrefix(a, "-oe") || a == "-om" || a == "-oem" || a == "-U":
		// accepted for sendmail compatibility
	case a == "-C":
		if len(rest) == 0 {
			return nil, &usageError{a}
		}
		o.ConfigFile, rest = rest[0], rest[1:]
	case strings.HasPrefix(a, "-C"):
		o.ConfigFile = a[2:]
	case strings.HasPrefix(a, "-D"):
		def := a[2:]
		if def == "" {
			if len(rest) == 0 {
				return nil, &usageError{a}
			}
			def, rest = rest[0], rest[1:]
		}
		if err := o.addDefine(def); err != nil {
			return nil, err
		}
	case a == "-f" || a == "-r":
		if len(rest) == 0 {
			return nil, &usageError{a}
		}
		sender := rest[0]
		o.Sender, rest = &sender, rest[1:]
	case strings.HasPrefix(a, "-f") || strings.HasPrefix(a, "-r"):
		sender := a[2:]
		o.Sender = &sender
	case a == "-oMa" || a == "-oMaa" || a == "-oMai" || a == "-oMas" || a == "-oMi" ||
		a == "-oMr" || a == "-oMs" || a == "-oMt":
		if len(rest) == 0 {
			return nil, &usageError{a}
		}
		o.setSession(a[1:], rest[0])
		rest = rest[1:]
	case strings.HasPrefix(a, "-p") && len(a) > 2:
		// Sendmail's -p<protocol>[:<host>].
		proto, host, _ := strings.Cut(a[2:], ":")
		o.setSession("oMr", proto)
		if host != "" {
			o.setSession("oMs", host)
		}
	case strings.HasPrefix(a, "-d"):
		o.DebugOn = true
		o.Debug = a[2:]
	default:
		return nil, &usageError{a}
	}
	return rest, nil
}

// addDefine records -DNAME or -DNAME=value (Exim allows spaces around '=').
func (o *Options) addDefine(def string) error {
	name, value, _ := strings.Cut(def, "=")
	name = strings.TrimSpace(name)
	if name == "" || !(name[0] >= 'A' && name[0] <= 'Z' || name[0] == '_') {
		return fmt.Errorf("macro name set by -D must start with an upper case letter")
	}
	for _, c := range name {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return &usageError{"-D" + def}
		}
	}
	if _, dup := o.Defines[name]; !dup {
		o.DefineList = append(o.DefineList, name)
	}
	o.Defines[name] = strings.TrimSpace(value)
	return nil
}

func (o *Options) setSession(key, value string) {
	if o.Session == nil {
		o.Session = map[string]string{}
	}
	o.Session[key] = value
}
