// Package ratelimit implements Exim's "ratelimit" ACL condition (manual
// section "Rate limiting incoming messages"): an exponentially smoothed
// rate per key kept in the ratelimit hints database, with Exim's options,
// database keys and record layout, its Bloom filter for unique= and
// per_addr, and its per-connection, per-message and per-command caching.
package ratelimit

import (
	"fmt"

	"exigo/internal/expand/funcs"
	"exigo/internal/lists"
)

// Exim's ACL_WHERE_* numbers that change how the condition behaves; the
// acl package's Where has the same values.
const (
	WhereRCPT         = 0
	WhereMAIL         = 1
	WherePredata      = 2
	WhereNotSMTP      = 7
	WhereNotSMTPStart = 14
)

// Input is what the condition reads from the session and the message.
type Input struct {
	Where       int    // Exim's ACL_WHERE_* number of the ACL being run
	WhereName   string // Exim's name for it in messages: "RCPT", "non-SMTP", "connection" ...
	HostAddress string // $sender_host_address (the default key); "" when none
	Recipients  int    // recipients accepted so far (per_rcpt after RCPT)
	MessageSize int64  // $message_size; negative when not known (per_byte)
	LocalPart   string // the recipient being checked, for per_addr
	Domain      string
}

// Spec is a parsed ratelimit condition, resolved against its Input.
type Spec struct {
	Key        string  // the hints database key: "<p>/<per_*>/[unique/]<key>"
	Limit      float64 // m, with its K, M or G applied
	Period     float64 // p in seconds
	Count      float64 // what this event adds to the rate (0 in readonly mode)
	LimitText  string  // m as written: $sender_rate_limit
	PeriodText string  // p as written: $sender_rate_period
	Unique     string  // the event the Bloom filter counts once, if HasUnique
	HasUnique  bool
	Mode       string // the per_* option in the key: "per_mail", "per_rcpt" ...
	Leaky      bool   // the update modes after defaults: exactly one is set
	Strict     bool
	Readonly   bool

	cache cacheKind
}

// Error is the condition failing: an ERROR for bad arguments, a DEFER
// when the database cannot be used. Msg is the text Exim logs.
type Error struct {
	Msg   string
	Defer bool
}

func (e *Error) Error() string { return e.Msg }

func argError(format string, a ...any) error {
	return &Error{Msg: `error in arguments to "ratelimit" condition: ` + fmt.Sprintf(format, a...)}
}

// Parse reads the condition's expanded argument "m / p / options / key"
// as Exim's acl_ratelimit does, for the ACL and message in in.
func Parse(arg string, in *Input) (*Spec, error) {
	it := lists.NewIterSep(arg, '/')
	sp := &Spec{}
	if err := sp.parseLimit(&it); err != nil {
		return nil, err
	}
	if err := sp.parsePeriod(&it); err != nil {
		return nil, err
	}
	o := options{count: 1}
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		if err := o.add(item, in); err != nil {
			return nil, err
		}
	}
	if err := o.check(in); err != nil {
		return nil, err
	}
	sp.resolve(&o, in)
	return sp, nil
}

func (sp *Spec) parseLimit(it *lists.Iter) error {
	text, ok := it.Next()
	if !ok {
		return argError("sender rate limit not set")
	}
	sp.LimitText = text
	limit, rest := strtod(text)
	if rest != "" {
		switch rest[0] | 0x20 {
		case 'k':
			limit, rest = limit*1024, rest[1:]
		case 'm':
			limit, rest = limit*1024*1024, rest[1:]
		case 'g':
			limit, rest = limit*1024*1024*1024, rest[1:]
		}
	}
	if limit < 0 || rest != "" {
		return argError(`"%s" is not a positive number`, text)
	}
	sp.Limit = limit
	return nil
}

func (sp *Spec) parsePeriod(it *lists.Iter) error {
	text, ok := it.Next()
	period := int32(-1)
	if ok {
		sp.PeriodText = text
		period = funcs.ReadTime(text)
	} else {
		text = "NULL" // Exim formats the missing string so
	}
	if period <= 0 {
		return argError(`"%s" is not a time value`, text)
	}
	sp.Period = float64(period)
	return nil
}

// resolve applies Exim's defaults and builds the database key.
func (sp *Spec) resolve(o *options, in *Input) {
	if o.noupdate {
		o.readonly, o.leaky, o.strict = true, false, false
	}
	if o.badACL {
		o.readonly = true
	}
	if o.readonly {
		o.count = 0
	}
	if !o.strict && !o.readonly {
		o.leaky = true
	}
	if o.mode == perWhat {
		o.mode = perMail
	}
	key := o.key
	if !o.hasKey {
		key = in.HostAddress
	}
	unique := ""
	if o.hasUnique {
		unique = "unique/"
	}
	sp.Mode = modeNames[o.mode]
	sp.Key = sp.PeriodText + "/" + sp.Mode + "/" + unique + key
	sp.Count = o.count
	sp.Unique, sp.HasUnique = o.unique, o.hasUnique
	sp.Leaky, sp.Strict, sp.Readonly = o.leaky, o.strict, o.readonly
	sp.cache = cacheFor(o.mode, o.readonly)
}
