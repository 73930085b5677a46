package acl

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"exigo/internal/address"
	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/hints"
	"exigo/internal/mime"
)

// Logger receives the log lines ACL processing writes. Text has no
// timestamp; the logger adds it (and the message id when it has one).
type Logger interface {
	Main(text string)
	Reject(text string)
	Panic(text string)
}

// Env is everything one session gives the engine.
type Env struct {
	Config *conf.Config
	// Ctx expands condition and modifier arguments. Its Vars must look
	// in State.Vars first; its ACL map holds $acl_c* and $acl_m*.
	Ctx   *expand.Context
	State *State
	Log   Logger
	// HostIdent is Exim's host_and_ident(TRUE) for log lines, such as
	// "H=(helo) [1.2.3.4]".
	HostIdent func() string
	// HostCheck is -bh: delays are reported, not made.
	HostCheck bool
	// Debug receives Exim's ">>> " trace lines when set (-bh, -d+acl).
	Debug io.Writer
	// Flush sends pending SMTP output before a delay.
	Flush func()
	// Sleep makes a delay; nil means time.Sleep.
	Sleep func(time.Duration)
	// Route verifies an address through the routers; VerifyHelo checks
	// the HELO name against the calling host.
	Route      RouteFunc
	VerifyHelo func() bool
	// HostName gives the calling host's verified name or, when it has
	// none, why (Exim's host_lookup_msg). With lookup it first looks the
	// name up if that was not tried yet; tried says whether it has been.
	// Nil means the name is whatever $sender_host_name gives.
	HostName func(lookup bool) (name string, tried bool, failMsg string)
	// Cache holds ACLs read from files and inline strings, shared by
	// sessions; nil means a private one.
	Cache *Cache
	// Hints opens a hints database of the spool; the ratelimit condition
	// keeps its handle until State.Close. Nil means none is available.
	Hints func(name string) (*hints.DB, error)
	// Scan is the message being received, for the content-scanning
	// conditions (regex, mime_regex, decode); MIMEPart is the part the
	// MIME ACL is checking. Nil when there is none.
	Scan     *mime.Message
	MIMEPart *mime.Part
}

// Outcome is an ACL's result and the texts that go with it.
type Outcome struct {
	Result  Result
	UserMsg string // for the SMTP reply; "" for the default text
	LogMsg  string // for the log line; "" for none
	// TempDetails: the user message may be shown with a 4xx reply (a
	// "defer" verb, not an internal error).
	TempDetails bool
	// RejectTarget is where a rejection is logged: "main", "reject",
	// "panic"; nil means main and reject.
	RejectTarget []string
}

// LogsTo reports whether a rejection is logged to the named log.
func (o *Outcome) LogsTo(log string) bool {
	if o.RejectTarget == nil {
		return log == "main" || log == "reject"
	}
	for _, t := range o.RejectTarget {
		if t == log {
			return true
		}
	}
	return false
}

// Cache keeps parsed ACL files and inline ACLs.
type Cache struct {
	mu   sync.Mutex
	acls map[string]*conf.ACL
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{acls: map[string]*conf.ACL{}} }

// Check runs the ACL that option (for example "acl_smtp_rcpt") names
// for where. recipient is the RCPT (or VRFY) address, "" otherwise.
func (e *Env) Check(where Where, recipient string) Outcome {
	text := e.Config.String(where.Option())
	if !e.Config.IsSet(where.Option()) || text == "" {
		if where.DefaultAccepts() {
			return Outcome{Result: OK}
		}
		return Outcome{Result: Fail}
	}
	return e.CheckText(where, text, recipient)
}

// CheckText runs the ACL that text (an option's unexpanded value) names.
func (e *Env) CheckText(where Where, text, recipient string) Outcome {
	r := &run{env: e, where: where}
	e.State.rates.NewCommand() // per_cmd rates last for one ACL check
	if recipient != "" {
		restore := e.setRecipient(recipient)
		defer restore()
	}
	res := r.aclByText(text, 0)
	out := Outcome{Result: res, UserMsg: r.userMsg, LogMsg: r.logMsg, TempDetails: r.tempDetails, RejectTarget: r.rejectTarget}
	if where == WhereQuit || where == WhereNotQuit {
		if res != OK && res != Error {
			out.Result = OK
		}
	}
	return out
}

// setRecipient sets $domain and $local_part for a RCPT ACL, the local
// part lower-cased as Exim does (control caseful_local_part restores it).
func (e *Env) setRecipient(addr string) func() {
	local, domain := addr, ""
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		local, domain = address.DequoteLocalPart(addr[:i]), addr[i+1:]
	}
	v := e.State.Vars
	old := map[string]string{}
	names := []string{"local_part", "domain", "original_local_part", "original_domain", "acl_rcpt_local_part"}
	for _, n := range names {
		if val, ok := v[n]; ok {
			old[n] = val
		}
	}
	v["local_part"] = strings.ToLower(local)
	v["domain"] = strings.ToLower(domain)
	v["original_local_part"], v["original_domain"] = local, domain
	v["acl_rcpt_local_part"] = local
	return func() {
		for _, n := range names {
			if val, ok := old[n]; ok {
				v[n] = val
			} else {
				delete(v, n)
			}
		}
	}
}

// run is one evaluation of an ACL (and the ACLs it calls).
type run struct {
	env          *Env
	where        Where
	userMsg      string
	logMsg       string
	logFromUser  bool // logMsg is the user message, taken for want of one
	tempDetails  bool
	rejectTarget []string
}

func (r *run) debugf(format string, args ...any) {
	if r.env.Debug != nil {
		fmt.Fprintf(r.env.Debug, ">>> "+format+"\n", args...)
	}
}

// aclByText expands an ACL option or condition value and runs the ACL
// it names: a file when it starts with '/', a named ACL, or inline text.
func (r *run) aclByText(text string, depth int) Result {
	if depth > 20 {
		r.logMsg = "ACL nested too deep: possible loop"
		return Error
	}
	name, err := r.env.Ctx.Expand(text)
	if err != nil {
		if expand.IsForcedFail(err) {
			return OK
		}
		r.logMsg = fmt.Sprintf("failed to expand ACL string %q: %s", text, err)
		return Error
	}
	acl, err := r.findACL(name)
	if err != nil {
		r.logMsg = err.Error()
		return Error
	}
	return r.runACL(acl, depth)
}

func (r *run) findACL(name string) (*conf.ACL, error) {
	trimmed := strings.TrimSpace(name)
	if !strings.HasPrefix(trimmed, "/") && !strings.ContainsAny(trimmed, " \t\n") {
		if acl := r.env.Config.ACLs[trimmed]; acl != nil {
			return acl, nil
		}
	}
	c := r.env.Cache
	if c == nil {
		c = NewCache()
		r.env.Cache = c
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if acl := c.acls[name]; acl != nil {
		return acl, nil
	}
	var acl *conf.ACL
	var err error
	if strings.HasPrefix(trimmed, "/") {
		data, rerr := os.ReadFile(trimmed)
		if rerr != nil {
			return nil, fmt.Errorf("failed to open ACL file %q: %s", trimmed, errnoText(rerr))
		}
		acl, err = conf.ParseACL(trimmed, trimmed, string(data))
	} else {
		acl, err = conf.ParseACL("inline ACL", "inline ACL", name)
	}
	if err != nil {
		if ce, ok := err.(*conf.Error); ok {
			// At run time Exim reports the fault itself, without the
			// configuration reader's "error in ACL:".
			return nil, fmt.Errorf("%s", strings.TrimPrefix(ce.Msg, "error in ACL: "))
		}
		return nil, err
	}
	c.acls[name] = acl
	return acl, nil
}

// errnoText is the strerror-like text of a file error.
func errnoText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		s := pe.Err.Error()
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	return err.Error()
}
