package acl

import (
	"fmt"

	"exigo/internal/expand"
)

// ExpansionRunner is what ${acl{name}{args}} and the acl condition call:
// the named ACL run with $acl_arg1.. set, its result and message.
func (e *Env) ExpansionRunner() func(name string, args []string) (expand.ACLResult, string) {
	return func(name string, args []string) (expand.ACLResult, string) {
		if len(args) > 9 {
			return expand.ACLError, ""
		}
		r := &run{env: e, where: WhereUnknown}
		vars := e.State.Vars
		saved := map[string]string{}
		names := []string{"acl_narg"}
		for i := 1; i <= 9; i++ {
			names = append(names, fmt.Sprintf("acl_arg%d", i))
		}
		for _, n := range names {
			saved[n] = vars[n]
		}
		defer func() {
			for _, n := range names {
				vars[n] = saved[n]
			}
		}()
		for i := 1; i <= 9; i++ {
			vars[fmt.Sprintf("acl_arg%d", i)] = ""
		}
		for i, a := range args {
			vars[fmt.Sprintf("acl_arg%d", i+1)] = a
		}
		vars["acl_narg"] = fmt.Sprint(len(args))
		acl, err := r.findACL(name)
		if err != nil {
			return expand.ACLError, err.Error()
		}
		switch r.runACL(acl, 1) {
		case OK, Discard:
			return expand.ACLAccept, r.userMsg
		case Fail, FailDrop:
			return expand.ACLDeny, r.userMsg
		case Defer:
			return expand.ACLDefer, r.userMsg
		}
		return expand.ACLError, r.logMsg
	}
}
