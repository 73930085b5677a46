package acl

import "exigo/internal/expand"

// ExpansionRunner is what ${acl{name}{args}} and the acl condition call:
// the named ACL run with $acl_arg1.. set, its result and message.
func (e *Env) ExpansionRunner() func(name string, args []string) (expand.ACLResult, string) {
	return func(name string, args []string) (expand.ACLResult, string) {
		if len(args) > 9 {
			return expand.ACLError, ""
		}
		r := &run{env: e, where: WhereUnknown}
		defer r.setACLArgs(args)()
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
