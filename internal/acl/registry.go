package acl

import (
	"fmt"
	"strconv"
	"strings"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/expand/funcs"
)

// Call is what a registered condition, control or verify function gets:
// the running ACL's environment and helpers to set what it leaves behind.
type Call struct {
	r *run
	// Arg is the condition's expanded argument (a control's options).
	Arg string
	// Tainted: Arg was built from message data.
	Tainted bool
}

// Env is the session environment.
func (c *Call) Env() *Env { return c.r.env }

// Where is the ACL's place.
func (c *Call) Where() Where { return c.r.where }

// Expand expands s in the session's context.
func (c *Call) Expand(s string) (string, error) { return c.r.env.Ctx.Expand(s) }

// Var reads a variable as expansions see it.
func (c *Call) Var(name string) string {
	if v, ok := c.r.env.State.Vars[name]; ok {
		return v
	}
	if c.r.env.Ctx.Vars == nil {
		return ""
	}
	v, _, _ := c.r.env.Ctx.Vars.Var(name)
	return v
}

// SetVar sets a variable that later expansions see ($dnslist_domain...).
func (c *Call) SetVar(name, value string) { c.r.env.State.Vars[name] = value }

// SetUserMsg and SetLogMsg give the messages a failing condition
// produces (verification failures); message modifiers may override them.
func (c *Call) SetUserMsg(s string) { c.r.userMsg = s }
func (c *Call) SetLogMsg(s string)  { c.r.logMsg = s }

// TempDetails lets a deferring condition's message reach the client.
func (c *Call) TempDetails() { c.r.tempDetails = true }

// Debugf writes a ">>> " trace line.
func (c *Call) Debugf(format string, args ...any) { c.r.debugf(format, args...) }

// CondFunc evaluates a condition whose argument has been expanded.
type CondFunc func(c *Call) Result

// ControlFunc acts on "control = name/options"; nil just records it.
type ControlFunc func(c *Call, opts string) error

// VerifyFunc does "verify = kind/options".
type VerifyFunc func(c *Call, opts []string) Result

type controlDef struct {
	allowed func(Where) bool
	fn      ControlFunc
}

var (
	conditions = map[string]CondFunc{}
	controls   = map[string]controlDef{}
	verifiers  = map[string]VerifyFunc{}
)

// RegisterCondition adds an ACL condition. The configuration reader is
// told about the name too.
func RegisterCondition(name string, fn CondFunc) {
	conditions[name] = fn
	conf.RegisterACLCondition(name, false)
}

// RegisterControl adds a control; allowed says in which ACLs it may be
// used (nil for all).
func RegisterControl(name string, allowed func(Where) bool, fn ControlFunc) {
	controls[name] = controlDef{allowed, fn}
}

// RegisterVerify adds a kind for the verify condition.
func RegisterVerify(kind string, fn VerifyFunc) { verifiers[kind] = fn }

func isForced(err error) bool { return expand.IsForcedFail(err) }

// condition evaluates one condition item.
func (r *run) condition(it *conf.ACLItem, depth int) Result {
	if it.Name == "acl" {
		return r.nestedACL(it, depth)
	}
	r.debugf("check %s%s = %s", neg(it), it.Name, it.Value)
	arg, tainted, err := r.env.Ctx.ExpandTaint(it.Value)
	if err != nil {
		if isForced(err) {
			return OK
		}
		r.logMsg = fmt.Sprintf("failed to expand ACL string %q: %s", it.Value, err)
		return Error
	}
	if arg != it.Value {
		r.debugf("%s = %s", strings.Repeat(" ", len("check ")+len(neg(it))+len(it.Name)), arg)
	}
	if msg := placeError(it.Name, false, r.where); msg != "" {
		r.logMsg = msg
		return Error
	}
	fn := conditions[it.Name]
	if fn == nil {
		r.logMsg = fmt.Sprintf("ACL condition %q is not supported by this build", it.Name)
		return Error
	}
	return fn(&Call{r: r, Arg: arg, Tainted: tainted})
}

func neg(it *conf.ACLItem) string {
	if it.Negated {
		return "!"
	}
	return ""
}

// nestedACL is "acl = name arg1 ...": the name and up to nine arguments
// are expanded separately, and $acl_arg1.. $acl_narg restored after.
func (r *run) nestedACL(it *conf.ACLItem, depth int) Result {
	r.debugf("check %sacl = %s", neg(it), it.Value)
	word, rest := funcs.Dequote(strings.TrimLeft(it.Value, " \t\n"))
	name, err := r.env.Ctx.Expand(word)
	if err != nil {
		if !isForced(err) {
			r.logMsg = fmt.Sprintf("failed to expand ACL string %q: %s", word, err)
		}
		return Error
	}
	// Up to nine arguments, each dequoted and expanded; more are ignored.
	var args []string
	for len(args) < 9 {
		if rest = strings.TrimLeft(rest, " \t\n\r\f\v"); rest == "" {
			break
		}
		word, rest = funcs.Dequote(rest)
		v, err := r.env.Ctx.Expand(word)
		if err != nil {
			if !isForced(err) {
				r.logMsg = fmt.Sprintf("failed to expand ACL string %q: %s", name, err)
			}
			return Error
		}
		args = append(args, v)
	}
	if name == "" {
		r.logMsg = "empty ACL name"
		return Error
	}
	defer r.setACLArgs(args)()
	acl, err := r.findACL(name)
	if err != nil {
		r.logMsg = err.Error()
		return Error
	}
	return r.runACL(acl, depth+1)
}

// aclArgNames are the variables a nested ACL call sets: $acl_arg1..9,
// then $acl_narg.
var aclArgNames = [10]string{"acl_arg1", "acl_arg2", "acl_arg3", "acl_arg4",
	"acl_arg5", "acl_arg6", "acl_arg7", "acl_arg8", "acl_arg9", "acl_narg"}

// setACLArgs sets $acl_arg1..9 and $acl_narg for a nested ACL and gives
// the function that restores them.
func (r *run) setACLArgs(args []string) func() {
	vars := r.env.State.Vars
	var saved [len(aclArgNames)]string
	for i, n := range aclArgNames {
		saved[i] = vars[n]
	}
	for i, n := range aclArgNames[:9] {
		vars[n] = ""
		if i < len(args) {
			vars[n] = args[i]
		}
	}
	vars["acl_narg"] = strconv.Itoa(len(args))
	return func() {
		for i, n := range aclArgNames {
			vars[n] = saved[i]
		}
	}
}
