package ratelimit

// mode is what is being counted (Exim's RATE_PER_*).
type mode int

const (
	perWhat  mode = iota // no per_* option yet
	perClash             // more than one per_* option
	perAddr
	perByte
	perCmd
	perConn
	perMail
	perRcpt
	perAllRcpts // per_rcpt after the RCPT ACL: all recipients at once
)

// modeNames are the names that go into database keys. Exim records
// per_byte as per_mail and per_addr as per_rcpt, so those two never reach
// a key under their own names.
var modeNames = [...]string{
	perWhat: "?", perClash: "!", perAddr: "per_addr", perByte: "per_byte",
	perCmd: "per_cmd", perConn: "per_conn", perMail: "per_mail",
	perRcpt: "per_rcpt", perAllRcpts: "per_rcpt",
}

// options collects the items after m and p.
type options struct {
	mode                              mode
	leaky, strict, readonly, noupdate bool
	badACL                            bool // a per_* option that makes no sense in this ACL
	count                             float64
	key, unique                       string
	hasKey, hasUnique                 bool
}

func (o *options) setMode(m mode) {
	if o.mode == perWhat {
		o.mode = m
	} else {
		o.mode = perClash
	}
}

func (o *options) add(item string, in *Input) error {
	switch {
	case equalFold(item, "leaky"):
		o.leaky = true
	case equalFold(item, "strict"):
		o.strict = true
	case equalFold(item, "noupdate"):
		o.noupdate = true
	case equalFold(item, "readonly"):
		o.readonly = true
	case equalFold(item, "per_cmd"):
		o.setMode(perCmd)
	case equalFold(item, "per_conn"):
		o.setMode(perConn)
		o.badACL = o.badACL || in.Where == WhereNotSMTP || in.Where == WhereNotSMTPStart
	case equalFold(item, "per_mail"):
		o.setMode(perMail)
		o.badACL = o.badACL || in.Where > WhereNotSMTP
	case equalFold(item, "per_rcpt"):
		o.perRcpt(in)
	case equalFold(item, "per_byte"):
		o.perByte(in)
	case equalFold(item, "per_addr"):
		o.perAddr(in)
	case hasPrefixFold(item, "count="):
		count, rest := strtod(item[6:])
		if count < 0 || rest != "" {
			return argError(`"%s" is not a positive number`, item)
		}
		o.count = count
	case hasPrefixFold(item, "unique="):
		o.unique, o.hasUnique = item[7:], true
	case !o.hasKey:
		o.key, o.hasKey = item, true
	default:
		o.key += "/" + item
	}
	return nil
}

// perRcpt counts recipients one at a time in the RCPT ACL and all of
// them at once in the ACLs that run once the list is complete.
func (o *options) perRcpt(in *Input) {
	switch {
	case in.Where == WhereRCPT:
		o.setMode(perRcpt)
	case in.Where >= WherePredata && in.Where <= WhereNotSMTP:
		o.setMode(perAllRcpts)
		o.count = float64(in.Recipients)
	default: // MAIL and the ACLs outside a message
		o.setMode(perRcpt)
		o.badACL = true
	}
}

// perByte is per_mail counting the message's size: zero before the data
// when the client gave no SIZE, so the rate just decays.
func (o *options) perByte(in *Input) {
	o.setMode(perMail)
	if in.Where > WhereNotSMTP {
		o.badACL = true
	} else if in.MessageSize < 0 {
		o.count = 0
	} else {
		o.count = float64(in.MessageSize)
	}
}

// perAddr is per_rcpt counting each recipient address once per period.
func (o *options) perAddr(in *Input) {
	o.setMode(perRcpt)
	o.hasUnique = true
	if in.Where != WhereRCPT {
		o.badACL, o.unique = true, "*"
	} else {
		o.unique = in.LocalPart + "@" + in.Domain
	}
}

// check rejects contradictory options, in Exim's order.
func (o *options) check(in *Input) error {
	if o.mode == perClash {
		return argError("conflicting per_* options")
	}
	if b2i(o.leaky)+b2i(o.strict)+b2i(o.readonly) > 1 {
		return argError("conflicting update modes")
	}
	if o.badACL && (o.leaky || o.strict) && !o.noupdate {
		return argError(`"%s" must not have /leaky or /strict option, or cannot be used in %s ACL`,
			modeNames[o.mode], in.WhereName)
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// equalFold is C's strcmpic: ASCII letters only are folded.
func equalFold(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lower(s[i]) != lower(t[i]) {
			return false
		}
	}
	return true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFold(s[:len(prefix)], prefix)
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
